package io.nasspark.jobs.predict;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas compare-devices}: performance monotonicity between devices (thesis Definition 3.1),
 * the Kendall τ of two devices' latencies over the candidates both measured. A τ near 1 means a
 * network that is fast on one is fast on the other, so one device's measurements or predictor
 * can stand in for the other's when ranking.
 */
@Command(name = "compare-devices",
        description = "Kendall tau and Spearman rho between the latencies of every pair of device groups,"
                + " over the candidates both have (performance monotonicity).",
        mixinStandardHelpOptions = true)
public final class CompareDevicesJob extends SparkJob {

    @Option(names = "--space", paramLabel = "SPACE", description = "Only candidates of this space.")
    String space;

    @Option(names = "--min-shared", defaultValue = "10", paramLabel = "N",
            description = "Skip pairs with fewer shared candidates (default: ${DEFAULT-VALUE}).")
    int minShared;

    @Override
    protected void validate() {
        if (minShared < 2) {
            throw new IllegalArgumentException("--min-shared must be at least 2, got " + minShared);
        }
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        Dataset<Row> latency = new TableStore(spark).read(Tables.LATENCY).where(col("status").equalTo(Tables.OK));
        if (space != null) {
            latency = latency.where(col("space").equalTo(space));
        }
        Dataset<Row> groups = latency.selectExpr("concat(device, ' | ', protocol) AS grp", "id", "input_size",
                "classes", "median_ms");
        List<String> names = groups.select("grp").distinct().orderBy("grp").as(Encoders.STRING()).collectAsList();
        // One pass: a row per candidate with a column per group (null where unmeasured). A join per
        // pair of groups read the table twice per pair: 465 pairs of 31 groups took over 15 minutes.
        List<Row> wide = groups.groupBy("id", "input_size", "classes")
                .pivot("grp", new ArrayList<Object>(names)).agg(first("median_ms")).collectAsList();
        List<Row> table = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                double[][] shared = shared(wide, 3 + i, 3 + j);
                if (shared[0].length < minShared) {
                    continue;
                }
                table.add(RowFactory.create(names.get(i), names.get(j), (long) shared[0].length,
                        Math.round(new KendallsCorrelation().correlation(shared[0], shared[1]) * 1e4) / 1e4,
                        Math.round(new SpearmansCorrelation().correlation(shared[0], shared[1]) * 1e4) / 1e4));
            }
        }
        if (table.isEmpty()) {
            throw new IllegalArgumentException("no two device groups share " + minShared + " or more candidates"
                    + (space == null ? "" : " of " + space) + "; found groups: " + names);
        }
        return new Outcome(0, "compare-devices: performance monotonicity (Kendall tau of latencies over shared"
                + " candidates)\n" + TablePrinter.table(new String[] {"device a", "device b", "shared", "kendall_tau",
                        "spearman_rho"}, table).stripTrailing());
    }

    /** The two columns' values over the rows where both are present. */
    private static double[][] shared(List<Row> rows, int a, int b) {
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        int n = 0;
        for (Row r : rows) {
            if (!r.isNullAt(a) && !r.isNullAt(b)) {
                x[n] = r.getDouble(a);
                y[n++] = r.getDouble(b);
            }
        }
        return new double[][] {Arrays.copyOf(x, n), Arrays.copyOf(y, n)};
    }
}
