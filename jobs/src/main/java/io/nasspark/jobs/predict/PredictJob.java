package io.nasspark.jobs.predict;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.cli.Progress;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.contract.CandidateSelection;
import io.nasspark.schema.MergeResult;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nas predict}: a stored predictor applied to stored candidates, written to predictions. */
@Command(name = "predict",
        description = "Apply a stored predictor to the candidates in architectures (batched, the model loaded"
                + " once per executor) and write the predictions table.",
        mixinStandardHelpOptions = true)
public final class PredictJob extends SparkJob {

    @Option(names = "--predictor", required = true, paramLabel = "ID",
            description = "Predictor id from the predictors table (a unique prefix will do).")
    String predictorId;

    @Mixin
    CandidateSelection selection;

    @Option(names = "--batch-size", defaultValue = "1024", paramLabel = "N",
            description = "Candidates per inference batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    protected void validate() {
        selection.validate();
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        long start = System.nanoTime();
        TableStore store = new TableStore(spark);
        Row p = StoredPredictors.find(store, predictorId);
        String id = p.getAs("predictor_id");
        String space = p.getAs("space");
        int version = p.<Integer>getAs("space_version");
        if (selection.space() != null && !selection.space().equals(space)) {
            throw new IllegalArgumentException("predictor " + id + " is for space " + space + " v" + version
                    + ", not for " + selection.space());
        }
        Dataset<Row> candidates = selection.select(spark).where(col("space").equalTo(space));
        long otherVersion = candidates.where(col("space_version").notEqual(version)).count();
        candidates = candidates.where(col("space_version").equalTo(version));
        long total = candidates.count();
        String kind = p.getAs("model");
        LongAccumulator done = spark.sparkContext().longAccumulator("predicted");
        Dataset<Row> predictions = StoredPredictors.apply(spark, p, candidates, batchSize, runId, done);
        MergeResult merged;
        try (Progress progress = Progress.start("predict", total, "candidates", done::value,
                spec.commandLine().getErr())) {
            merged = store.merge(Tables.PREDICTIONS, predictions);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String summary = String.format(Locale.ROOT,
                "predict: %s (%s of %s, %s) over %,d candidates of %s: %,d new rows in predictions, %,d already"
                        + " there%s; %.1f s (%,.0f candidates/s)",
                id.substring(0, 12), kind, p.getAs("target"), p.getAs("grp"), total, space, merged.rowsAdded(),
                total - merged.rowsAdded(),
                otherVersion == 0 ? "" : String.format(Locale.ROOT, "; %,d candidates of another %s version skipped",
                        otherVersion, space),
                seconds, total / seconds);
        return new Outcome(merged.rowsAdded(), summary);
    }
}
