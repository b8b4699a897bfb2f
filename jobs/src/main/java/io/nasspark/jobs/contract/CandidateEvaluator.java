package io.nasspark.jobs.contract;

import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;

/**
 * Turns one candidate (a row of the job's input, carrying the output's key columns) into one
 * output row. Runs on executors, so it must be serialisable; what it loads once per executor
 * (a dataset, a model) belongs in static caches.
 */
public interface CandidateEvaluator extends Serializable {

    /** Longest error text kept in a row. */
    int MAX_ERROR_CHARS = 2_000;

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

    /**
     * The error and its causes on one line, then the top of the stack: enough to act on. The
     * error text of a failed row, for evaluators that record failures themselves.
     */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(text.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        StringWriter stack = new StringWriter();
        e.printStackTrace(new PrintWriter(stack));
        text.append('\n').append(stack);
        return text.length() <= MAX_ERROR_CHARS ? text.toString() : text.substring(0, MAX_ERROR_CHARS);
    }
}
