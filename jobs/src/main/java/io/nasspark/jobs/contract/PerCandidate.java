package io.nasspark.jobs.contract;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Applies a {@link CandidateEvaluator} to each row of a partition, or a {@link GroupEvaluator}
 * to the partition's rows at once. A candidate whose evaluation throws, runs out of Java heap or
 * overflows its stack becomes a failed row; the task and the job go on.
 */
final class PerCandidate implements MapPartitionsFunction<Row, Row> {

    private final CandidateEvaluator evaluator;
    private final LongAccumulator done;

    PerCandidate(CandidateEvaluator evaluator, LongAccumulator done) {
        this.evaluator = evaluator;
        this.done = done;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> candidates) {
        if (evaluator instanceof GroupEvaluator group) {
            List<Row> all = new ArrayList<>();
            candidates.forEachRemaining(all::add);
            List<Row> out = evaluateGroupOrEach(group, all);
            done.add(all.size());
            return out.iterator();
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return candidates.hasNext();
            }

            @Override
            public Row next() {
                Row candidate = candidates.next();
                Row out = evaluateOrRecord(candidate);
                done.add(1);
                return out;
            }
        };
    }

    /** The group's rows; if the group as a whole fails, each candidate on its own. */
    private List<Row> evaluateGroupOrEach(GroupEvaluator group, List<Row> candidates) {
        if (candidates.size() > 1) {
            try {
                return group.evaluateGroup(candidates);
            } catch (Exception | OutOfMemoryError | StackOverflowError | LinkageError e) {
                // fall through: one candidate's trouble must not fail the others
            }
        }
        return candidates.stream().map(this::evaluateOrRecord).toList();
    }

    private Row evaluateOrRecord(Row candidate) {
        try {
            return evaluator.evaluate(candidate);
        } catch (Exception | OutOfMemoryError | StackOverflowError | LinkageError e) {
            return evaluator.failed(candidate, CandidateEvaluator.describe(e));
        }
    }
}
