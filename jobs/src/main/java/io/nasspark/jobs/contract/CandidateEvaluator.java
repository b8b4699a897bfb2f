package io.nasspark.jobs.contract;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * Turns one candidate (a row of the job's input, carrying the output's key columns) into one
 * output row. Runs on executors, so it must be serialisable; what it loads once per executor
 * (a dataset, a model) belongs in static caches.
 */
public interface CandidateEvaluator extends Serializable {

    /** The output row for {@code candidate}, status {@code ok}. */
    Row evaluate(Row candidate) throws Exception;

    /** The output row recording that {@code candidate} failed with {@code error}. */
    Row failed(Row candidate, String error);
}
