package io.nasspark.jobs.latency;

import io.nasspark.latency.DeviceProfile;
import io.nasspark.latency.LatencyProtocol;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Option;

/** The measurement protocol and device options of every job that measures latency. */
public final class LatencyOptions {

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

    /** Checks the options before Spark starts. */
    public void validate() {
        validate(1);
    }

    /** Checks the options before Spark starts, for a job that times {@code interleave} networks per task. */
    public void validate(int interleave) {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        if (device != null && device.isBlank()) {
            throw new IllegalArgumentException("--device must not be blank");
        }
        new LatencyProtocol(warmup, repeats, batch, Math.max(1, threads), exclusive, interleave);
    }

    /** What the session needs: with --exclusive, one task per executor. */
    public Map<String, String> sessionSettings(String master, Map<String, String> conf) {
        return exclusive ? Map.of("spark.task.cpus", Integer.toString(coresPerExecutor(master, conf))) : Map.of();
    }

    /** Cores of one executor: the N of {@code local[N]}, else {@code spark.executor.cores}. */
    private static int coresPerExecutor(String master, Map<String, String> conf) {
        Matcher local = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]").matcher(master);
        if (local.matches()) {
            return local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(local.group(1));
        }
        if (master.equals("local")) {
            return 1;
        }
        String cores = conf.get("spark.executor.cores");
        if (cores == null) {
            throw new IllegalArgumentException("--exclusive on a cluster needs --conf spark.executor.cores=N"
                    + " (the cores of one executor)");
        }
        return Integer.parseInt(cores);
    }

    /** The protocol in this session: threads default to the task's cpus. */
    public LatencyProtocol protocol(SparkSession spark) {
        return protocol(spark, 1);
    }

    /** The protocol in this session, timing {@code interleave} networks round-robin per task. */
    public LatencyProtocol protocol(SparkSession spark, int interleave) {
        int t = threads > 0 ? threads
                : exclusive ? 1 : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        return new LatencyProtocol(warmup, repeats, batch, t, exclusive, interleave);
    }

    /** The device label rows are keyed by: the one given, else this machine's profile. */
    public String device(LatencyProtocol protocol) {
        return device != null ? device : DeviceProfile.current(protocol.threads()).label();
    }

    /** {@code selected} with the {@code device} and {@code protocol} key columns of this run. */
    public Dataset<Row> keyed(Dataset<Row> selected, LatencyProtocol protocol) {
        return selected.withColumn("device", functions.lit(device(protocol)))
                .withColumn("protocol", functions.lit(protocol.label()));
    }

    /** Whether the user named the device (executors then measure whatever they are). */
    public boolean deviceGiven() {
        return device != null;
    }
}
