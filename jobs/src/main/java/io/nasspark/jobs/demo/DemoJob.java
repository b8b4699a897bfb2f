package io.nasspark.jobs.demo;

import io.nasspark.jobs.NasCli;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.jobs.sample.SampleJob;
import io.nasspark.jobs.sample.SampleOptions;
import io.nasspark.schema.IcebergCatalog;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas demo}: the pipeline as far as it exists, on the embedded default. It samples every
 * NAS-Bench-201 cell and a draw of the small MBConv space, summarises the table, then scores a
 * handful of cells on Fashion-MNIST (BTE, TSE, Jacobian covariance) with the score job, and
 * runs a short evolutionary search with BTE as fitness that reuses those scores.
 */
@Command(name = "demo",
        description = "Run the pipeline that exists so far (sample nb201 and mbconv-small, score a few nb201"
                + " cells on Fashion-MNIST, a short BTE search over them) and summarise what it wrote.",
        mixinStandardHelpOptions = true)
public final class DemoJob extends SparkJob {

    @Option(names = "--count", paramLabel = "N", defaultValue = "2000",
            description = "mbconv-small candidates to draw (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of every draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--score", paramLabel = "N", defaultValue = "6",
            description = "nb201 cells to score on Fashion-MNIST at 16 px, 0 to skip (default: ${DEFAULT-VALUE}).")
    int score;

    @Option(names = "--search-generations", paramLabel = "G", defaultValue = "2",
            description = "Generations of the demo search (population: --score), 0 to skip (default: ${DEFAULT-VALUE}).")
    int searchGenerations;

    private List<SampleOptions> steps;

    @Override
    protected void validate() {
        steps = List.of(
                new SampleOptions("nb201", 0, true, seed, false, 0, 0, 0),
                new SampleOptions("mbconv-small", count, false, seed, false, 0, 0, 0));
        if (score < 0 || searchGenerations < 0) {
            throw new IllegalArgumentException("--score and --search-generations must not be negative");
        }
    }

    @Override
    protected Long seed() {
        return seed;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        StringBuilder summary = new StringBuilder();
        long added = 0;
        for (SampleOptions step : steps) {
            SampleJob.Result r = SampleJob.run(spark, step, runId, spec.commandLine().getErr());
            added += r.added();
            summary.append(r.summary()).append('\n');
        }
        Dataset<Row> table = spark.sql("SELECT space, count(*) AS candidates,"
                + " count(DISTINCT canonical_id) AS distinct_networks,"
                + " round(min(params) / 1e6, 3) AS min_mparams,"
                + " round(percentile_approx(params, 0.5) / 1e6, 3) AS median_mparams,"
                + " round(max(params) / 1e6, 3) AS max_mparams,"
                + " round(percentile_approx(flops, 0.5) / 1e6, 1) AS median_mflops"
                + " FROM " + IcebergCatalog.qualified("architectures")
                + " GROUP BY space ORDER BY space");
        summary.append('\n').append(TablePrinter.table(table.columns(), table.collectAsList()));
        if (score > 0) {
            summary.append('\n').append(scoreAFew(spark, runId));
            if (searchGenerations > 0) {
                summary.append('\n').append(searchOverThem());
            }
        }
        summary.append("\nRead the tables with: bin/nas sql \"SELECT * FROM architectures LIMIT 5\"");
        return new Outcome(added, summary.toString());
    }

    /**
     * Samples {@link #score} nb201 cells at 16 px (a resolution of their own, so they do not
     * mix with the 32 px rows) and runs the score job on them in this session.
     */
    private String scoreAFew(SparkSession spark, String runId) {
        SampleJob.run(spark, new SampleOptions("nb201", score, false, seed, false, 16, 0, 0), runId,
                spec.commandLine().getErr());
        String out = runJob("score", "--space", "nb201", "--input-size", "16", "--limit", Integer.toString(score),
                "--limit-images", "256", "--batch", "32", "--seed", Long.toString(seed));
        Dataset<Row> proxies = spark.sql("SELECT a.arch, round(max(CASE WHEN proxy = 'bte' THEN value END), 4) AS bte,"
                + " round(max(CASE WHEN proxy = 'tse' THEN value END), 2) AS tse,"
                + " round(max(CASE WHEN proxy = 'jacov' THEN value END), 1) AS jacov,"
                + " max(CASE WHEN proxy = 'params' THEN CAST(value AS BIGINT) END) AS params"
                + " FROM " + IcebergCatalog.qualified("proxy_scores") + " p JOIN "
                + IcebergCatalog.qualified("architectures") + " a USING (id, input_size, classes)"
                + " WHERE p.input_size = 16 GROUP BY a.arch ORDER BY bte DESC");
        return out + "\nProxies of the scored cells (higher BTE: faster, steadier loss decrease):\n"
                + TablePrinter.table(proxies.columns(), proxies.collectAsList());
    }

    /**
     * A short evolution over nb201 at 16 px with BTE as fitness under the scoring's settings, so
     * cells the score step already trained are looked up rather than trained again.
     */
    private String searchOverThem() {
        int population = Math.max(2, score);
        return runJob("evolve", "--space", "nb201", "--input-size", "16", "--fitness", "proxy:bte",
                "--limit-images", "256", "--batch", "32", "--population", Integer.toString(population),
                "--keep", Integer.toString(Math.max(1, population / 2)), "--generations",
                Integer.toString(searchGenerations), "--seed", Long.toString(seed), "--search-id", "demo-s" + seed);
    }

    /** Runs another job in this session on the same tables, its progress on this job's stderr. */
    private String runJob(String... args) {
        return NasCli.runInSession(sparkOptions.tables(), spec.commandLine().getErr(), args);
    }
}
