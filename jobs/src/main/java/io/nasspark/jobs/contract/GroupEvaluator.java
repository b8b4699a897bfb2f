package io.nasspark.jobs.contract;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * An evaluator that gains from seeing a task's candidates at once (see
 * {@link CandidateWork#candidatesPerTask}): latency timed round-robin, for example. It returns
 * one row per candidate, a failed row for a candidate it could not evaluate; if it throws, the
 * task's candidates are evaluated one at a time instead.
 */
public interface GroupEvaluator extends CandidateEvaluator {

    /** The output rows of {@code candidates}, in their order. */
    List<Row> evaluateGroup(List<Row> candidates) throws Exception;

    /** One candidate is a group of one. */
    @Override
    default Row evaluate(Row candidate) throws Exception {
        return evaluateGroup(List.of(candidate)).get(0);
    }
}
