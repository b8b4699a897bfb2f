package io.nasspark.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.randn;

import io.nasspark.jobs.NasCli;
import io.nasspark.jobs.cli.SparkJob;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas bench-pareto}: the pareto job against a plain scan-and-aggregate of the same
 * Parquet input in the same session, with the JVM's peak heap. The input (ROWS candidates in
 * GROUPS groups, latency log-normal and accuracy rising with it plus noise) is generated once.
 * Scan and pareto alternate for a few rounds and the medians are compared, since a shared VM's
 * speed drifts between one timing and the next.
 */
@Command(name = "bench-pareto",
        description = "Benchmark: pareto over ROWS generated rows against a scan-and-aggregate of the same input.",
        mixinStandardHelpOptions = true)
public final class ParetoScaleCommand extends SparkJob {

    @Option(names = "--rows", defaultValue = "10000000", paramLabel = "N", description = "Rows (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--groups", defaultValue = "1", paramLabel = "G", description = "Groups (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "R",
            description = "Rounds of scan then pareto (a new analysis each), reported with their medians: one pair"
                    + " of timings on a shared VM can land in different speed spells (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--input", defaultValue = ".nas/bench-pareto-input", paramLabel = "DIR",
            description = "Where the generated Parquet input goes (default: ${DEFAULT-VALUE}).")
    String input;

    @Override
    protected void validate() {
        if (rows < 1 || groups < 1 || rounds < 1) {
            throw new IllegalArgumentException("--rows, --groups and --rounds must be positive");
        }
    }

    @Override
    protected Long seed() {
        return 1L;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        Path dir = Path.of(input, rows + "x" + groups);
        if (!Files.exists(dir.resolve("_SUCCESS"))) {
            spark.range(rows).select(concat(lit("c"), col("id").cast("string")).as("id"),
                            concat(lit("g"), col("id").mod(groups).cast("string")).as("grp"),
                            exp(randn(1).multiply(0.5)).multiply(5).as("latency_ms"))
                    .withColumn("top1", lit(40).plus(functions.log(col("latency_ms")).multiply(12))
                            .plus(randn(2).multiply(4)))
                    .write().mode("overwrite").parquet(dir.toString());
        }
        long t0 = System.nanoTime();
        long counted = scan(spark, dir); // warm-up: file listing, code generation
        double warmUp = (System.nanoTime() - t0) / 1e9;
        double[] scans = new double[rounds];
        double[] paretos = new double[rounds];
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "| %,d rows, %d group(s), %s | scan-and-aggregate | pareto | ratio |%n| --- | --- | --- | --- |%n",
                rows, groups, sparkOptions.master() == null ? "local[*]" : sparkOptions.master()));
        String out = "";
        for (int round = 0; round < rounds; round++) {
            long t1 = System.nanoTime();
            scan(spark, dir);
            long t2 = System.nanoTime();
            out = NasCli.runInSession(sparkOptions.tables(), null, "pareto", "--input", dir.toString(),
                    "--objectives", "latency_ms:min,top1:max", "--group-by", "grp", "--budget", "latency_ms<=5",
                    "--name", "bench-" + rows + "x" + groups + "-r" + round);
            long t3 = System.nanoTime();
            scans[round] = (t2 - t1) / 1e9;
            paretos[round] = (t3 - t2) / 1e9;
            table.append(String.format(Locale.ROOT, "| round %d | %.1f s | %.1f s | %.2fx |%n", round + 1,
                    scans[round], paretos[round], paretos[round] / scans[round]));
        }
        double scan = StatUtils.percentile(scans, 50);
        double pareto = StatUtils.percentile(paretos, 50);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            peak += pool.getType() == MemoryType.HEAP ? pool.getPeakUsage().getUsed() : 0;
        }
        return new Outcome(0, String.format(Locale.ROOT, "%s%n%s| median | %.1f s | %.1f s | %.2fx |%n"
                        + "JVM heap: max %,d MB, peak used %,d MB (driver and executor are one JVM in local mode);"
                        + " warm-up scan %.1f s; rows counted %,d",
                out.strip(), table, scan, pareto, pareto / scan, Runtime.getRuntime().maxMemory() >> 20, peak >> 20,
                warmUp, counted));
    }

    private static long scan(SparkSession spark, Path dir) {
        return spark.read().parquet(dir.toString()).groupBy("grp")
                .agg(functions.count(lit(1)).as("n"), functions.avg("latency_ms"), functions.max("top1"),
                        functions.min("latency_ms"))
                .collectAsList().stream().mapToLong(r -> r.getLong(1)).sum();
    }
}
