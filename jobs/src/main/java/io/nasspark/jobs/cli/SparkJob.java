package io.nasspark.jobs.cli;

import io.nasspark.jobs.io.RunLog;
import io.nasspark.schema.IcebergCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The life of a job that writes tables: check the options before Spark starts, run in a
 * session, record the run with its arguments and seed, print a short summary.
 */
public abstract class SparkJob implements Callable<Integer> {

    @Mixin
    protected SparkOptions sparkOptions;

    @Spec
    protected CommandSpec spec;

    private final Map<String, String> outputs = new LinkedHashMap<>();
    private Long rowsWritten;

    /** What a job reports back: rows it added to its output table, and a summary for people. */
    public record Outcome(long rowsWritten, String summary) {}

    /**
     * Checks the options and builds the job's settings.
     *
     * @throws IllegalArgumentException naming the bad option, before any work starts
     */
    protected abstract void validate();

    /**
     * Checks that need the tables (a stored predictor, a space's rows), before the run is
     * recorded or anything is written.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    protected void validate(SparkSession spark) {}

    /** The seed to record, or null when the job takes none. */
    protected abstract Long seed();

    /**
     * Settings this job needs in a session it starts, applied before {@code --conf} (which
     * wins). A session that is already running (a test's, a notebook's) is used as it is.
     */
    protected Map<String, String> sessionSettings(String master) {
        return Map.of();
    }

    /**
     * Names a result later work can refer to (a predictor id, a search id), for a pipeline
     * whose later stages reference this one.
     */
    protected void output(String name, String value) {
        outputs.put(name, value);
    }

    /** The results this run named, with its run id as {@code run_id}; empty before it ran. */
    public Map<String, String> outputs() {
        return Map.copyOf(outputs);
    }

    /** Rows the run added to its output table; null before it succeeded. */
    public Long rowsWritten() {
        return rowsWritten;
    }

    /** Does the work. */
    protected abstract Outcome run(SparkSession spark, String runId);

    @Override
    public Integer call() {
        validate();
        Map<String, String> settings = sessionSettings(SparkSessions.master(sparkOptions));
        String catalogUri = catalogUri(settings);
        try {
            return SparkSessions.using(sparkOptions, "nas " + spec.name(), settings, this::runRecorded);
        } catch (RuntimeException e) {
            throw CatalogFailure.of(e, catalogUri);
        }
    }

    /** The catalog's URI: the running session's (a pipeline's stage runs in it), else this job's. */
    private String catalogUri(Map<String, String> settings) {
        String key = IcebergCatalog.CONF_PREFIX + ".uri";
        SparkSession running = SparkSessions.running();
        return running != null ? running.conf().get(key, null) : SparkSessions.settings(sparkOptions, settings).get(key);
    }

    private int runRecorded(SparkSession spark) {
        validate(spark);
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        RunLog log = RunLog.start(spark, spec.name(), args, seed());
        output("run_id", log.runId());
        Outcome outcome;
        try {
            outcome = run(spark, log.runId());
        } catch (RuntimeException e) {
            log.failed(e);
            throw e;
        }
        log.succeeded(outcome.rowsWritten(), outcome.summary());
        rowsWritten = outcome.rowsWritten();
        spec.commandLine().getOut().println(outcome.summary());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
