package io.nasspark.jobs.demo;

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
 * {@code nas demo}: the pipeline as far as it exists, on the embedded default. Today it samples
 * every NAS-Bench-201 cell and a draw of the small MBConv space, then summarises the table.
 */
@Command(name = "demo",
        description = "Run the pipeline that exists so far (sample nb201 and mbconv-small) and"
                + " summarise what it wrote.",
        mixinStandardHelpOptions = true)
public final class DemoJob extends SparkJob {

    @Option(names = "--count", paramLabel = "N", defaultValue = "2000",
            description = "mbconv-small candidates to draw (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of every draw (default: ${DEFAULT-VALUE}).")
    long seed;

    private List<SampleOptions> steps;

    @Override
    protected void validate() {
        steps = List.of(
                new SampleOptions("nb201", 0, true, seed, false, 0, 0, 0),
                new SampleOptions("mbconv-small", count, false, seed, false, 0, 0, 0));
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
        summary.append("\nRead the tables with: bin/nas sql \"SELECT * FROM architectures LIMIT 5\"");
        return new Outcome(added, summary.toString());
    }
}
