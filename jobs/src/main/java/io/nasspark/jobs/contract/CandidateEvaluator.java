package io.nasspark.jobs.contract;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;

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

    /**
     * Columns every result row carries after the output table's, for the tables a job writes
     * beside it (see {@link CandidateWork#alsoWriting}). None by default.
     */
    default StructField[] extraColumns() {
        return new StructField[0];
    }

    /**
     * An output row followed by the values of {@link #extraColumns()}; Java lists become the
     * Scala sequences Spark's row encoder takes for array columns.
     */
    static Row withExtras(Row output, Object... extras) {
        Object[] cells = new Object[output.size() + extras.length];
        for (int i = 0; i < output.size(); i++) {
            cells[i] = output.get(i);
        }
        for (int i = 0; i < extras.length; i++) {
            cells[output.size() + i] = extras[i] instanceof java.util.List<?> list
                    ? scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq() : extras[i];
        }
        return RowFactory.create(cells);
    }
}
