package io.nasspark.jobs.pareto;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.AccumulatorV2;

/**
 * What the summaries need of each group (its counts and first front), sent to the driver by the
 * tasks that rank the groups while the same tasks write the ranked rows to {@code pareto}: one
 * Spark job instead of a job that collects these and another that writes.
 *
 * <p>A group is ranked whole by one task, so its outcome is the same however often the task
 * runs (a retried task, a write attempted again after a commit conflict). Merging keeps one
 * outcome per group, which makes re-delivery harmless, where a sum or a list would count it twice.
 */
final class GroupOutcomes extends AccumulatorV2<GroupOutcomes.Outcome, Map<String, GroupOutcomes.Outcome>> {

    /** A group's input rows, those excluded for a missing or non-finite objective, and its first front. */
    record Outcome(String grp, long inputRows, long excluded, List<Row> firstFront) implements Serializable {}

    private final TreeMap<String, Outcome> byGroup = new TreeMap<>();

    /** A new accumulator registered with {@code context}. */
    static GroupOutcomes register(SparkContext context) {
        GroupOutcomes outcomes = new GroupOutcomes();
        context.register(outcomes, "pareto group outcomes");
        return outcomes;
    }

    @Override
    public synchronized boolean isZero() {
        return byGroup.isEmpty();
    }

    @Override
    public synchronized GroupOutcomes copy() {
        GroupOutcomes copy = new GroupOutcomes();
        copy.byGroup.putAll(byGroup);
        return copy;
    }

    @Override
    public synchronized void reset() {
        byGroup.clear();
    }

    @Override
    public synchronized void add(Outcome outcome) {
        byGroup.put(outcome.grp(), outcome);
    }

    @Override
    public synchronized void merge(AccumulatorV2<Outcome, Map<String, Outcome>> other) {
        byGroup.putAll(other.value());
    }

    /** The outcomes by group, in group order. */
    @Override
    public synchronized Map<String, Outcome> value() {
        return new TreeMap<>(byGroup);
    }
}
