package io.nasspark.jobs.io;

import io.nasspark.schema.RunRow;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/** Records a job run, with its arguments and seed, in the {@code runs} table. */
public final class RunLog {

    private final SparkSession spark;
    private final String runId;
    private final String job;
    private final String args;
    private final Long seed;
    private final Timestamp startedAt;

    private RunLog(SparkSession spark, String job, String args, Long seed) {
        this.spark = spark;
        this.runId = UUID.randomUUID().toString();
        this.job = job;
        this.args = args;
        this.seed = seed;
        this.startedAt = Timestamp.from(Instant.now());
    }

    /** Starts the record of a run; nothing is written until it ends. */
    public static RunLog start(SparkSession spark, String job, List<String> args, Long seed) {
        return new RunLog(spark, job, redacted(String.join(" ", args)), seed);
    }

    /** The arguments with the values of secret settings (a catalog's password, say) masked. */
    static String redacted(String args) {
        return args.replaceAll("(?i)([\\w.-]*(password|secret|token)[\\w.-]*=)\\S+", "$1******");
    }

    public String runId() {
        return runId;
    }

    /** Writes the finished run. */
    public void succeeded(long rowsWritten, String summary) {
        write("succeeded", rowsWritten, summary);
    }

    /**
     * Writes the failed run. Best effort: the job's own error is what the user must see, so a
     * failure to record it is reported and swallowed.
     */
    public void failed(Throwable error) {
        try {
            write("failed", 0, String.valueOf(error.getMessage()));
        } catch (RuntimeException e) {
            System.err.println("nas: could not record failed run " + runId + ": " + e.getMessage());
        }
    }

    private void write(String status, long rows, String message) {
        RunRow row = new RunRow(runId, job, args, CodeVersion.current(), seed,
                spark.sparkContext().master(), startedAt,
                Timestamp.from(Instant.now()), status, rows, message);
        new TableStore(spark).appendNew(Tables.RUNS, List.of(row.toRow())); // the run id is a fresh random UUID
    }
}
