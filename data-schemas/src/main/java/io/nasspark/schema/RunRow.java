package io.nasspark.schema;

import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** One row of {@link Tables#RUNS}; {@link #toRow()} follows the table's column order. */
public record RunRow(
        String runId,
        String job,
        String args,
        String codeVersion,
        Long seed,
        String master,
        Timestamp startedAt,
        Timestamp finishedAt,
        String status,
        long rowsWritten,
        String message) {

    /** The Spark row, columns in {@link Tables#RUNS} order. */
    public Row toRow() {
        return RowFactory.create(
                runId, job, args, codeVersion, seed, master, startedAt, finishedAt, status, rowsWritten,
                message);
    }
}
