package io.nasspark.jobs.predict;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.predict.MeasurementNoise;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas latency-noise}: per device group, how far apart the stored latencies of cost twins
 * lie (candidates that run the same operators on the same shapes), and so the best Kendall τ
 * and ±10 % share any predictor could reach against that group's measurements.
 */
@Command(name = "latency-noise",
        description = "Estimate each latency group's measurement noise from cost twins (candidates that run the same"
                + " ops on the same shapes) and the ceiling it puts on any predictor's Kendall tau and +-10%% share.",
        mixinStandardHelpOptions = true)
public final class LatencyNoiseJob extends SparkJob {

    @Option(names = "--group", split = ",", paramLabel = "KEY=VALUE",
            description = "Only the groups with these values (keys: space, device, protocol, input_size, classes).")
    Map<String, String> group = new LinkedHashMap<>();

    @Option(names = "--statistic", defaultValue = "median", paramLabel = "median|p10",
            description = "Which stored latency (default: ${DEFAULT-VALUE}).")
    String statistic;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the simulated ceiling (default: ${DEFAULT-VALUE}).")
    long seed;

    private String valueColumn;

    @Override
    protected void validate() {
        valueColumn = TargetRows.LATENCY.column(statistic);
        TargetRows.LATENCY.checkGroupKeys(group);
    }

    @Override
    protected Long seed() {
        return seed;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        TargetRows rows = TargetRows.LATENCY;
        List<TargetRows.Group> groups = rows.groups(rows.only(rows.read(spark, valueColumn), group));
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no latency rows with status ok"
                    + (group.isEmpty() ? "" : " in group " + group) + "; measure or import some first");
        }
        int n = rows.groupColumns().size();
        List<Row> table = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (TargetRows.Group g : groups) {
            SearchSpace space = SearchSpaces.byName(g.key().getString(0));
            List<Candidate> x = new ArrayList<>(g.rows().size());
            double[] y = new double[g.rows().size()];
            for (int i = 0; i < y.length; i++) {
                Row r = g.rows().get(i);
                x.add(space.parse(r.getString(n + 1)));
                y[i] = r.getDouble(n + 3);
            }
            MeasurementNoise noise = MeasurementNoise.of(space, x, y, seed);
            if (noise == null) {
                without.add(g.label());
                continue;
            }
            table.add(RowFactory.create(g.label(), (long) noise.rows(), (long) noise.pairs(),
                    pct(noise.medianGap()), round(noise.twinTau()), round(noise.sigma()),
                    noise.wholeMilliseconds() ? "yes" : "no", round(noise.ceiling().kendallTau()),
                    round(noise.ceiling().spearmanRho()), pct(noise.ceiling().within10pct())));
        }
        String skipped = without.isEmpty() ? "" : String.format(Locale.ROOT,
                "%n  %d group(s) with fewer than %d measured twin pairs (a space without cost twins has none): %s",
                without.size(), MeasurementNoise.MIN_PAIRS, String.join("; ", without));
        if (table.isEmpty()) {
            throw new IllegalArgumentException("no group has " + MeasurementNoise.MIN_PAIRS
                    + " measured cost-twin pairs to estimate its noise from: " + String.join("; ", without));
        }
        return new Outcome(0, "latency-noise: twin pairs run the same ops on the same shapes; their gap is noise, and"
                + " the ceiling is what a noise-free predictor would score\n"
                + TablePrinter.table(new String[] {"group", "rows", "twin pairs", "median gap %", "twin tau",
                        "sigma(log)", "whole ms", "ceiling tau", "ceiling rho", "ceiling within10%"}, table)
                        .stripTrailing() + skipped);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double pct(double share) {
        return Math.round(share * 1000) / 10.0;
    }
}
