package io.nasspark.jobs.sample;

import io.nasspark.jobs.cli.NetworkOptions;
import io.nasspark.jobs.cli.Progress;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.schema.MergeResult;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.io.PrintWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nas sample}: draws candidates of a space and writes them with their cost. */
@Command(name = "sample",
        description = "Draw candidates of a search space and write them, with FLOPs, parameters and"
                + " memory accesses, to the architectures table.",
        mixinStandardHelpOptions = true)
public final class SampleJob extends SparkJob {

    @Mixin
    NetworkOptions network;

    @Option(names = "--count", paramLabel = "N", description = "Candidates to draw.")
    long count;

    @Option(names = "--all", description = "Enumerate every candidate (nb201).")
    boolean all;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--channel-scales",
            description = "Also draw a channel scale (0.5-2.0) per layer (MBConv spaces).")
    boolean channelScales;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Spark partitions (default: from the count and the cluster's cores).")
    int partitions;

    private SampleOptions options;

    /** What a sample run did. */
    public record Result(String space, long drawn, long added, double seconds, String sampler) {
        /** One line for people. */
        public String summary() {
            return String.format(Locale.ROOT,
                    "sample: %,d candidates of %s drawn (%s), %,d new rows in architectures, %,d"
                            + " already there; %.1f s",
                    drawn, space, sampler, added, drawn - added, seconds);
        }
    }

    @Override
    protected void validate() {
        if (all && count != 0) {
            throw new IllegalArgumentException("give either --all or --count, not both");
        }
        options = new SampleOptions(network.space(), count, all, seed, channelScales,
                network.inputSize(), network.classes(), partitions);
    }

    @Override
    protected Long seed() {
        return all ? null : seed;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        Result r = run(spark, options, runId, spec.commandLine().getErr());
        return new Outcome(r.added(), r.summary());
    }

    /**
     * Draws, costs and writes the candidates; one keyed commit to {@code architectures}.
     *
     * @param err where progress lines go while the job runs
     */
    public static Result run(SparkSession spark, SampleOptions o, String runId, PrintWriter err) {
        long start = System.nanoTime();
        long draws = o.draws();
        int partitions = o.partitions() > 0 ? o.partitions() : defaultPartitions(spark, draws);
        LongAccumulator done = spark.sparkContext().longAccumulator("candidates");
        Dataset<Row> rows = draws(spark, o, runId, partitions, done);
        Progress progress = Progress.start("sample " + o.space(), draws, "candidates", done::value, err);
        MergeResult merged;
        try {
            merged = new TableStore(spark).merge(Tables.ARCHITECTURES, rows);
        } finally {
            progress.close();
        }
        String sampler = o.all() ? o.method() : o.method() + ", seed " + o.seed();
        return new Result(o.space(), draws, merged.rowsAdded(), (System.nanoTime() - start) / 1e9, sampler);
    }

    /**
     * The {@code architectures} rows of a draw, computed lazily: the same options give the same
     * rows, so a job that sampled can select exactly what it drew.
     */
    public static Dataset<Row> draws(SparkSession spark, SampleOptions o, String runId) {
        long draws = o.draws();
        return draws(spark, o, runId, o.partitions() > 0 ? o.partitions() : defaultPartitions(spark, draws),
                spark.sparkContext().longAccumulator("candidates"));
    }

    private static Dataset<Row> draws(SparkSession spark, SampleOptions o, String runId, int partitions,
            LongAccumulator done) {
        SampleFn fn = new SampleFn(o, runId, Timestamp.from(Instant.now()), done);
        return spark.range(0, o.draws(), 1, partitions).mapPartitions(fn, Encoders.row(Tables.ARCHITECTURES.schema()));
    }

    /** Enough partitions to use every core, none smaller than a few thousand candidates. */
    static int defaultPartitions(SparkSession spark, long draws) {
        int cores = spark.sparkContext().defaultParallelism();
        return (int) Math.max(1, Math.min(draws / 2_000 + 1, 4L * cores));
    }
}
