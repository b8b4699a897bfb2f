package io.nasspark.jobs.latency;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.contract.CandidateSelection;
import io.nasspark.jobs.contract.CandidateWork;
import io.nasspark.jobs.contract.WorkOptions;
import io.nasspark.latency.DeviceProfile;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.schema.Tables;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nas measure-latency}: inference latency of stored candidates, one per Spark task. */
@Command(name = "measure-latency",
        description = "Measure DJL inference latency of candidates in the architectures table on the"
                + " executors, and write it to the latency table with the device profile and protocol.",
        mixinStandardHelpOptions = true)
public final class MeasureLatencyJob extends SparkJob {

    @Mixin
    CandidateSelection selection;

    @Mixin
    WorkOptions work;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "10",
            description = "Untimed forward passes first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "50",
            description = "Timed forward passes (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "Intra-op threads (default: spark.task.cpus; 1 with --exclusive).")
    int threads;

    @Option(names = "--exclusive",
            description = "One measurement at a time per executor, on one thread: stable numbers,"
                    + " less throughput (sets spark.task.cpus to the executor's cores).")
    boolean exclusive;

    @Option(names = "--device", paramLabel = "LABEL",
            description = "Device label the rows are grouped by (default: this machine's CPU model,"
                    + " threads and engine; executors that differ then refuse to measure).")
    String device;

    private LatencyProtocol protocol;

    @Override
    protected void validate() {
        selection.validate();
        work.validate();
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        if (device != null && device.isBlank()) {
            throw new IllegalArgumentException("--device must not be blank");
        }
        protocol = new LatencyProtocol(warmup, repeats, batch, Math.max(1, threads), exclusive);
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Map<String, String> sessionSettings(String master) {
        return exclusive ? Map.of("spark.task.cpus", Integer.toString(coresPerExecutor(master))) : Map.of();
    }

    /** Cores of one executor: the N of {@code local[N]}, else {@code spark.executor.cores}. */
    private int coresPerExecutor(String master) {
        java.util.regex.Matcher local = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]")
                .matcher(master);
        if (local.matches()) {
            return local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(local.group(1));
        }
        if (master.equals("local")) {
            return 1;
        }
        String cores = sparkOptions.conf().get("spark.executor.cores");
        if (cores == null) {
            throw new IllegalArgumentException("--exclusive on a cluster needs --conf spark.executor.cores=N"
                    + " (the cores of one executor)");
        }
        return Integer.parseInt(cores);
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        LatencyProtocol p = threads > 0 || exclusive ? protocol
                : new LatencyProtocol(warmup, repeats, batch,
                        spark.sparkContext().getConf().getInt("spark.task.cpus", 1), false);
        String label = device != null ? device : DeviceProfile.current(p.threads()).label();
        Dataset<Row> candidates = selection.select(spark)
                .withColumn("device", functions.lit(label))
                .withColumn("protocol", functions.lit(p.label()));
        CandidateWork.Result r = new CandidateWork(spark, Tables.LATENCY, work).run(candidates,
                new LatencyEvaluator(p, label, device != null, runId), "measure-latency",
                spec.commandLine().getErr());
        String summary = r.summary("measure-latency", Tables.LATENCY.name())
                + String.format(Locale.ROOT, "%n  device %s, protocol %s", label, p.label())
                + shareLine(spark, runId);
        return new Outcome(r.evaluated(), summary);
    }

    /** The harness's share of the medians this run wrote, as a reader wants to see it. */
    private static String shareLine(SparkSession spark, String runId) {
        Row r = new io.nasspark.schema.TableStore(spark).read(Tables.LATENCY)
                .where(functions.col("run_id").equalTo(runId).and(functions.col("status").equalTo(Tables.OK)))
                .agg(functions.count("*"), functions.expr("percentile(median_ms, 0.5)"),
                        functions.expr("percentile(harness_share, 0.5)"), functions.max("harness_share"))
                .first();
        if (r.getLong(0) == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%n  median latency %.3f ms; harness share of the median:"
                + " typical %.1f %%, at most %.1f %%", r.getDouble(1), 100 * r.getDouble(2), 100 * r.getDouble(3));
    }
}
