package io.nasspark.jobs.latency;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.contract.CandidateSelection;
import io.nasspark.jobs.contract.CandidateWork;
import io.nasspark.jobs.contract.WorkOptions;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.schema.Tables;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nas measure-latency}: inference latency of stored candidates, spread over Spark tasks.
 * By default each task times 16 candidates round-robin beside its space's reference network,
 * and calibrates them by it (see {@link io.nasspark.latency.ReferenceNetwork}); the references
 * are measured first, once per device and protocol.
 */
@Command(name = "measure-latency",
        description = "Measure DJL inference latency of candidates in the architectures table on the"
                + " executors, and write it to the latency table with the device profile and protocol.",
        mixinStandardHelpOptions = true)
public final class MeasureLatencyJob extends SparkJob {

    @Mixin
    CandidateSelection selection;

    @Mixin
    WorkOptions work;

    @Mixin
    LatencyOptions latency;

    @Option(names = "--interleave", paramLabel = "N", defaultValue = "16",
            description = "Candidates a task times round-robin, calibrated by the reference network"
                    + " timed among them: numbers that hold still on a shared machine. 1 times each"
                    + " candidate on its own, uncalibrated (default: ${DEFAULT-VALUE}).")
    int interleave;

    @Option(names = "--transformed",
            description = "Time each candidate's deep-to-shallow transform (its linear layers merged: BatchNorms"
                    + " folded, linear blocks into one convolution), as a deployment runs it; rows under protocol"
                    + " <protocol>+merged. For hybrid spaces, whose searches predict the transform's latency.")
    boolean transformed;

    @Override
    protected void validate() {
        selection.validate();
        work.validate();
        latency.validate(interleave);
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Map<String, String> sessionSettings(String master) {
        return latency.sessionSettings(master, sparkOptions.conf());
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        LatencyProtocol measured = latency.protocol(spark, interleave);
        LatencyProtocol p = transformed ? measured.ofTransformed() : measured;
        String label = latency.device(p);
        Dataset<Row> candidates = latency.keyed(selection.select(spark), p);
        CandidateWork measuring = new CandidateWork(spark, Tables.LATENCY, work).candidatesPerTask(p.interleave());
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Double> referenceP10 = null;
        String references = "";
        if (p.interleaved()) {
            Dataset<Row> referenceRows = latency.keyed(References.of(spark, candidates), p);
            if (!referenceRows.isEmpty()) {
                measuring.run(referenceRows, new LatencyEvaluator(p, label, latency.deviceGiven(), runId, null),
                        "measure-latency references", err);
                referenceP10 = References.storedP10(spark, referenceRows);
                references = References.line(referenceP10);
            }
        }
        CandidateWork.Result r = measuring.run(candidates,
                new LatencyEvaluator(p, label, latency.deviceGiven(), runId, referenceP10), "measure-latency", err);
        String summary = r.summary("measure-latency", Tables.LATENCY.name())
                + String.format(Locale.ROOT, "%n  device %s, protocol %s", label, p.label())
                + references + shareLine(spark, runId);
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
