package io.nasspark.jobs.train;

import ai.djl.ndarray.types.Shape;
import io.nasspark.compress.Equivalence;
import io.nasspark.compress.LinearMerge;
import io.nasspark.jobs.contract.CandidateEvaluator;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.schema.Tables;
import io.nasspark.train.DivergedException;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.ImageTrainer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** Trains one candidate for the recipe's epochs and measures top-1 and top-5 on the test split. */
final class AccuracyEvaluator implements CandidateEvaluator {

    private final CandidateTraining training;
    private final String task;
    private final int testImages;
    private final String runId;
    private final boolean merge;
    private final Resolutions resolutions;

    AccuracyEvaluator(CandidateTraining training, String task, int testImages, String runId) {
        this(training, task, testImages, runId, false, Resolutions.NONE);
    }

    /**
     * @param merge also judge each trained network after linear reparameterization (train
     *     first, then merge: thesis §5.4.3), writing it under the recipe label plus
     *     {@link LinearMerge#MERGED_SUFFIX}
     * @param resolutions elastic training, and the other sizes to judge at
     */
    AccuracyEvaluator(CandidateTraining training, String task, int testImages, String runId, boolean merge,
            Resolutions resolutions) {
        this.training = training;
        this.task = task;
        this.testImages = testImages;
        this.runId = runId;
        this.merge = merge;
        this.resolutions = resolutions;
    }

    /** Whether rows besides the candidate's own come out (merged, judged at other sizes): the {@code more_rows} column. */
    boolean writesMoreRows() {
        return merge || !resolutions.judged().isEmpty();
    }

    @Override
    public StructField[] extraColumns() {
        return writesMoreRows() ? new StructField[] {DataTypes.createStructField("more_rows",
                DataTypes.createArrayType(Tables.ACCURACY.schema(), false), false)} : new StructField[0];
    }

    @Override
    public Row evaluate(Row candidate) {
        ImageBatches data = training.trainData(candidate);
        ImageBatches test = training.testData(candidate, testImages);
        Map<String, Object> row = common(candidate, Tables.OK, null);
        List<Row> moreRows = new ArrayList<>();
        Layer network = training.network(candidate);
        int own = candidate.<Integer>getAs("input_size");
        long start = System.nanoTime();
        try (ImageTrainer trainer = training.trainer(network, candidate, data)) {
            List<ImageBatches> bySize = resolutions.elastic()
                    ? resolutions.trainingSizes(own).stream().map(r -> training.trainData(candidate, r)).toList()
                    : List.of();
            for (int e = 0; e < training.recipe().epochs(); e++) {
                if (resolutions.elastic()) {
                    trainer.elasticEpoch(bySize);
                } else {
                    trainer.epoch(data);
                }
            }
            training.finishTraining(trainer);
            double seconds = ScoreEvaluator.seconds(start);
            row.put("train_seconds", seconds);
            if (resolutions.elastic()) {
                trainer.recalibrateBatchNorm(data, Resolutions.RECALIBRATION_BATCHES);
            }
            ImageTrainer.Accuracy acc = trainer.evaluate(test);
            row.put("top1", acc.top1());
            row.put("top5", acc.top5());
            if (merge) {
                moreRows.add(mergedAccuracy(candidate, training.trainedNetwork(candidate), trainer.values(), data, test,
                        seconds));
            }
            for (int size : resolutions.judged()) {
                if (size != own) {
                    moreRows.add(judgedAt(candidate, trainer, size, seconds));
                }
            }
        } catch (DivergedException d) {
            row.put("status", Tables.DIVERGED);
            row.put("error", d.getMessage());
            row.put("train_seconds", ScoreEvaluator.seconds(start));
        }
        return withMoreRows(Tables.ACCURACY.row(row), moreRows);
    }

    private Row withMoreRows(Row row, List<Row> moreRows) {
        return writesMoreRows() ? CandidateEvaluator.withExtras(row, moreRows) : row;
    }

    /**
     * The trained network judged at {@code size} px, its BatchNorm statistics recalibrated there
     * on training images first: a row keyed by that size.
     */
    private Row judgedAt(Row candidate, ImageTrainer trainer, int size, double seconds) {
        trainer.recalibrateBatchNorm(training.trainData(candidate, size), Resolutions.RECALIBRATION_BATCHES);
        ImageTrainer.Accuracy acc = trainer.evaluate(training.testData(size, testImages));
        Map<String, Object> row = common(candidate, Tables.OK, null);
        row.put("input_size", size);
        row.put("recipe", recipeLabel() + resolutions.judgedLabel(candidate.<Integer>getAs("input_size")));
        row.put("source", "trained, judged at " + size + " px with BatchNorm recalibrated");
        row.put("top1", acc.top1());
        row.put("top5", acc.top5());
        row.put("train_seconds", seconds);
        return Tables.ACCURACY.row(row);
    }

    /** The trained network merged, judged on the same test images. */
    private Row mergedAccuracy(Row candidate, Layer network, List<float[]> values, ImageBatches data,
            ImageBatches test, double seconds) {
        Shape shape = data.inputShape();
        FeatureShape input = new FeatureShape((int) shape.get(1), (int) shape.get(2), (int) shape.get(3));
        LinearMerge.Result merged = LinearMerge.merge(network, values, input);
        // judged only if it computes what the trained network does: else its accuracy is not the merge's
        Equivalence.Gap gap = Equivalence.compare(network, values, merged.network(), merged.values(), input, 2,
                new SplittableRandom(training.initSeed(candidate)));
        Map<String, Object> row = gap.equivalent() ? common(candidate, Tables.OK, null)
                : common(candidate, Tables.FAILED, gap.difference());
        if (gap.equivalent()) {
            try (ImageTrainer trainer = training.trainer(merged.network(), candidate, data)) {
                trainer.load(merged.values());
                ImageTrainer.Accuracy acc = trainer.evaluate(test);
                row.put("top1", acc.top1());
                row.put("top5", acc.top5());
            }
        }
        row.put("recipe", recipeLabel() + LinearMerge.MERGED_SUFFIX);
        row.put("source", "trained, then merged");
        row.put("train_seconds", seconds);
        return Tables.ACCURACY.row(row);
    }

    /** The training recipe and, when not the whole split, the test images judged on. */
    String recipeLabel() {
        return training.recipe().label() + training.linearizationLabel() + resolutions.label()
                + (testImages > 0 ? "-t" + testImages : "");
    }

    @Override
    public Row failed(Row candidate, String error) {
        return withMoreRows(Tables.ACCURACY.row(common(candidate, Tables.FAILED, error)), List.of());
    }

    private Map<String, Object> common(Row candidate, String status, String error) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", candidate.getAs("id"));
        row.put("input_size", candidate.getAs("input_size"));
        row.put("classes", candidate.getAs("classes"));
        row.put("task", task);
        row.put("recipe", recipeLabel());
        row.put("space", candidate.getAs("space"));
        row.put("epochs", training.recipe().epochs());
        row.put("seed", training.initSeed(candidate));
        row.put("source", "trained");
        row.put("status", status);
        row.put("error", error);
        row.put("run_id", runId);
        row.put("created_at", Timestamp.from(Instant.now()));
        return row;
    }
}
