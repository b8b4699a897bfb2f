package io.nasspark.jobs.compress;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import io.nasspark.compress.LinearMerge;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.contract.CandidateSelection;
import io.nasspark.jobs.contract.CandidateWork;
import io.nasspark.jobs.contract.WorkOptions;
import io.nasspark.jobs.latency.LatencyOptions;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.graft.GraftSpace;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nas reparameterize}: grafted candidates through linear reparameterization, with the
 * latency of the original, grafted and merged networks measured side by side.
 */
@Command(name = "reparameterize",
        description = "For grafted candidates (space graft:BASE) in the architectures table: merge each one's linear"
                + " layers (BatchNorm folding, 1x1/KxK merges, residuals into the kernel), check on a random batch that"
                + " the merged network computes the same, and measure the original, grafted and merged networks."
                + " Writes reparameterizations, and the three latencies to latency (the merged one with protocol"
                + " <protocol>+merged).",
        mixinStandardHelpOptions = true)
public final class ReparameterizeJob extends SparkJob {

    @Mixin
    CandidateSelection selection;

    @Mixin
    WorkOptions work;

    @Mixin
    LatencyOptions latency;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the random weights and check inputs, mixed with each id (default: 0).")
    long seed;

    @Override
    protected void validate() {
        if (selection.space() == null || !(SearchSpaces.byName(selection.space()) instanceof GraftSpace)) {
            throw new IllegalArgumentException("--space must name a grafting space, such as graft:mbconv-small or"
                    + " graft:resnet-small");
        }
        selection.validate();
        work.validate();
        latency.validate();
    }

    @Override
    protected Long seed() {
        return seed;
    }

    @Override
    protected Map<String, String> sessionSettings(String master) {
        return latency.sessionSettings(master, sparkOptions.conf());
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        LatencyProtocol protocol = latency.protocol(spark);
        String device = latency.device(protocol);
        Dataset<Row> candidates = latency.keyed(selection.select(spark), protocol);
        ReparameterizeEvaluator evaluator = new ReparameterizeEvaluator(protocol, device, latency.deviceGiven(), seed,
                runId);
        CandidateWork.Result r = new CandidateWork(spark, Tables.REPARAMETERIZATIONS, work).batchPerCore(4)
                .alsoWriting(Tables.LATENCY, rows -> rows.select(explode(col("latency_rows")).as("l")).select("l.*"))
                .run(candidates, evaluator, "reparameterize", spec.commandLine().getErr());
        return new Outcome(r.evaluated(), r.summary("reparameterize", Tables.REPARAMETERIZATIONS.name())
                + String.format(Locale.ROOT, "%n  device %s, protocol %s (merged: %s%s)", device, protocol.label(),
                        protocol.label(), LinearMerge.MERGED_SUFFIX)
                + studyLines(spark, runId));
    }

    /** The speed-ups this run measured, and how they follow the number of grafted blocks. */
    private static String studyLines(SparkSession spark, String runId) {
        List<Row> rows = new TableStore(spark).read(Tables.REPARAMETERIZATIONS)
                .where(col("run_id").equalTo(runId).and(col("status").equalTo(Tables.OK)))
                .select("grafted_blocks", "speedup", "merge_speedup", "largest_error", "largest_output", "refusals")
                .collectAsList();
        if (rows.isEmpty()) {
            return "";
        }
        DescriptiveStatistics speedup = new DescriptiveStatistics();
        DescriptiveStatistics mergeSpeedup = new DescriptiveStatistics();
        double[] grafted = new double[rows.size()];
        double worstRelative = 0;
        Set<String> refusals = new TreeSet<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            grafted[i] = row.getInt(0);
            speedup.addValue(row.getDouble(1));
            mergeSpeedup.addValue(row.getDouble(2));
            worstRelative = Math.max(worstRelative, row.getDouble(3) / Math.max(1, row.getDouble(4)));
            if (!row.isNullAt(5)) {
                refusals.addAll(List.of(row.getString(5).split("; ")));
            }
        }
        String correlation = rows.size() < 3 ? "n/a" : String.format(Locale.ROOT, "%.3f",
                new SpearmansCorrelation().correlation(grafted, speedup.getValues()));
        String kept = refusals.stream().limit(3).map(r -> String.format(Locale.ROOT, "%n    %s", r))
                .collect(Collectors.joining());
        return String.format(Locale.ROOT, "%n  speed-up original/merged: median %.2fx (p10 %.2fx, p90 %.2fx);"
                        + " grafted/merged (merging alone): median %.2fx%n  Spearman rho(grafted blocks, speed-up) %s;"
                        + " largest relative output error %.2g%n  blocks kept as they are: %d%s%s",
                speedup.getPercentile(50), speedup.getPercentile(10), speedup.getPercentile(90),
                mergeSpeedup.getPercentile(50), correlation, worstRelative, refusals.size(), kept,
                refusals.size() > 3 ? String.format(Locale.ROOT, "%n    … (all in reparameterizations.refusals)") : "");
    }
}
