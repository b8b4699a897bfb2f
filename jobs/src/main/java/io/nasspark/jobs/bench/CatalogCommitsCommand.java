package io.nasspark.jobs.bench;

import io.nasspark.jobs.cli.SparkOptions;
import io.nasspark.jobs.cli.SparkSessions;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.jobs.maintain.TableHealth;
import io.nasspark.jobs.maintain.TableMaintenance;
import io.nasspark.jobs.sample.SampleJob;
import io.nasspark.jobs.sample.SampleOptions;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.schema.Tables;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nas bench-catalog}: the sample job's keyed merge, N small commits one after another,
 * into the embedded SQLite catalog and then into the catalog the options configure (PostgreSQL
 * from cluster-conf/catalog.sh, say), in one process: commits per second side by side. Then, on
 * each, what N commits left (snapshots, data files, manifests) and a scan's time, before and
 * after maintenance (compaction and snapshot expiry, as {@code nas maintain} runs them).
 */
@Command(name = "bench-catalog",
        description = "Benchmark: N small keyed merges into the embedded SQLite catalog and into the configured one"
                + " (--profile), commits/s side by side, then files, snapshots and a scan's time before and after"
                + " maintenance.",
        mixinStandardHelpOptions = true)
public final class CatalogCommitsCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--commits", defaultValue = "1000", paramLabel = "N", description = "Commits per catalog (default: ${DEFAULT-VALUE}).")
    int commits;

    @Option(names = "--rows", defaultValue = "10", paramLabel = "R", description = "Candidates per commit (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--scans", defaultValue = "5", paramLabel = "K", description = "Timed scans, before and after, whose median is kept (default: ${DEFAULT-VALUE}).")
    int scans;

    @Option(names = "--baseline-dir", paramLabel = "DIR",
            description = "Warehouse of the embedded SQLite catalog compared against; must hold no architectures table"
                    + " (default: a new directory under .nas/bench-catalog).")
    Path baselineDir;

    /** What one catalog did. */
    record Outcome(String catalog, double[] commitSeconds, TableHealth before, TableHealth after,
            double scanBefore, double scanAfter) {}

    @Override
    public Integer call() {
        if (commits < 1 || rows < 1 || scans < 1) {
            throw new IllegalArgumentException("--commits, --rows and --scans must be positive");
        }
        if (SparkSessions.usesEmbeddedCatalog(sparkOptions)) {
            throw new IllegalArgumentException("bench-catalog compares a configured catalog against the embedded one:"
                    + " give the configured one's settings, e.g. --profile .nas/catalog/profile.properties");
        }
        Path baseline = baselineDir != null ? baselineDir
                : Path.of(".nas", "bench-catalog", "sqlite-" + System.currentTimeMillis());
        Map<String, String> embeddedConf = new LinkedHashMap<>(sparkOptions.conf());
        embeddedConf.keySet().removeIf(k -> k.startsWith(IcebergCatalog.CONF_PREFIX));
        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(measure("sqlite (embedded)", SparkOptions.of(baseline, sparkOptions.master(), embeddedConf)));
        outcomes.add(measure(sparkOptions.conf().getOrDefault(IcebergCatalog.CONF_PREFIX + ".uri",
                sparkOptions.conf().getOrDefault(IcebergCatalog.CONF_PREFIX + ".type", "configured")), sparkOptions));
        spec.commandLine().getOut().println(report(outcomes));
        return 0;
    }

    private Outcome measure(String catalog, SparkOptions options) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return SparkSessions.using(options, "nas bench-catalog", spark -> {
                if (spark.catalog().tableExists(IcebergCatalog.qualified(Tables.ARCHITECTURES.name()))) {
                    throw new IllegalArgumentException("bench-catalog writes architectures rows: " + catalog
                            + " already has that table; point it at a scratch warehouse and catalog");
                }
                double[] seconds = commit(spark, catalog, err);
                TableHealth before = TableHealth.of(spark, Tables.ARCHITECTURES.name());
                double scanBefore = medianScan(spark);
                TableMaintenance maintenance = new TableMaintenance(spark, Tables.ARCHITECTURES.name(), false);
                maintenance.compact();
                maintenance.expire(Timestamp.from(Instant.now()), 1);
                TableHealth after = TableHealth.of(spark, Tables.ARCHITECTURES.name());
                return new Outcome(catalog, seconds, before, after, scanBefore, medianScan(spark));
            });
        } finally {
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    /** The sample job's own draw and keyed merge, once per commit, with a new seed each time. */
    private double[] commit(SparkSession spark, String catalog, PrintWriter err) {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        String runId = UUID.randomUUID().toString();
        double[] seconds = new double[commits];
        long start = System.nanoTime();
        for (int i = 0; i < commits; i++) {
            long t0 = System.nanoTime();
            SampleJob.run(spark, new SampleOptions("mbconv-small", rows, false, i, false, 0, 0, 1), runId, quiet);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            if ((i + 1) % 100 == 0 || i + 1 == commits) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                err.printf(Locale.ROOT, "bench-catalog %s: %d/%d commits, %.1f/s, %.0f s left%n", catalog, i + 1, commits,
                        (i + 1) / elapsed, elapsed / (i + 1) * (commits - i - 1));
                err.flush();
            }
        }
        return seconds;
    }

    private double medianScan(SparkSession spark) {
        String query = "SELECT count(*), count(DISTINCT id), max(flops) FROM " + IcebergCatalog.qualified(Tables.ARCHITECTURES.name());
        double[] seconds = new double[scans];
        spark.sql(query).collectAsList(); // code generation, file system caches
        for (int i = 0; i < scans; i++) {
            long t0 = System.nanoTime();
            spark.sql(query).collectAsList();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        return StatUtils.percentile(seconds, 50);
    }

    /** The median of one tenth of the commits in order: does a commit cost more as history grows? */
    private static double tenthMedian(double[] seconds, int tenth) {
        int from = tenth * seconds.length / 10;
        int to = Math.max(from + 1, (tenth + 1) * seconds.length / 10);
        return StatUtils.percentile(seconds, from, to - from, 50);
    }

    private String report(List<Outcome> outcomes) {
        List<Row> rowsOut = new ArrayList<>();
        for (Outcome o : outcomes) {
            double total = Arrays.stream(o.commitSeconds()).sum();
            rowsOut.add(RowFactory.create(o.catalog(), String.format(Locale.ROOT, "%.2f", commits / total),
                    String.format(Locale.ROOT, "%.0f", StatUtils.percentile(o.commitSeconds(), 50) * 1000),
                    String.format(Locale.ROOT, "%.0f", StatUtils.percentile(o.commitSeconds(), 90) * 1000),
                    String.format(Locale.ROOT, "%.0f -> %.0f", tenthMedian(o.commitSeconds(), 0) * 1000,
                            tenthMedian(o.commitSeconds(), 9) * 1000),
                    o.before().snapshots() + " -> " + o.after().snapshots(),
                    o.before().dataFiles() + " -> " + o.after().dataFiles(),
                    o.before().manifests() + " -> " + o.after().manifests(),
                    String.format(Locale.ROOT, "%.0f -> %.0f", o.scanBefore() * 1000, o.scanAfter() * 1000),
                    String.format(Locale.ROOT, "%.1fx", o.scanBefore() / o.scanAfter())));
        }
        Outcome first = outcomes.get(0);
        Outcome second = outcomes.get(1);
        double ratio = Arrays.stream(first.commitSeconds()).sum() / Arrays.stream(second.commitSeconds()).sum();
        return String.format(Locale.ROOT, "bench-catalog: %d commits of %d candidates each per catalog%n", commits, rows)
                + TablePrinter.table(new String[] {"catalog", "commits/s", "median commit ms", "p90 ms",
                    "median ms, first -> last tenth", "snapshots",
                    "data files", "manifests", "scan ms before -> after", "scan speed-up"}, rowsOut)
                + String.format(Locale.ROOT, "%ncommits/s, %s against %s: %.2fx%n", second.catalog(), first.catalog(), ratio);
    }
}
