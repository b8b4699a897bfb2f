package io.nasspark.jobs.train;

import io.nasspark.jobs.contract.CandidateEvaluator;
import io.nasspark.schema.Tables;
import io.nasspark.train.DivergedException;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.ImageTrainer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Trains one candidate for the recipe's epochs and measures top-1 and top-5 on the test split. */
final class AccuracyEvaluator implements CandidateEvaluator {

    private final CandidateTraining training;
    private final String task;
    private final int testImages;
    private final String runId;

    AccuracyEvaluator(CandidateTraining training, String task, int testImages, String runId) {
        this.training = training;
        this.task = task;
        this.testImages = testImages;
        this.runId = runId;
    }

    @Override
    public Row evaluate(Row candidate) {
        ImageBatches data = training.trainData(candidate);
        ImageBatches test = training.testData(candidate, testImages);
        Map<String, Object> row = common(candidate, Tables.OK, null);
        long start = System.nanoTime();
        try (ImageTrainer trainer = training.trainer(candidate, data)) {
            for (int e = 0; e < training.recipe().epochs(); e++) {
                trainer.epoch(data);
            }
            row.put("train_seconds", ScoreEvaluator.seconds(start));
            ImageTrainer.Accuracy acc = trainer.evaluate(test);
            row.put("top1", acc.top1());
            row.put("top5", acc.top5());
        } catch (DivergedException d) {
            row.put("status", Tables.DIVERGED);
            row.put("error", d.getMessage());
            row.put("train_seconds", ScoreEvaluator.seconds(start));
        }
        return Tables.ACCURACY.row(row);
    }

    /** The training recipe and, when not the whole split, the test images judged on. */
    String recipeLabel() {
        return training.recipe().label() + (testImages > 0 ? "-t" + testImages : "");
    }

    @Override
    public Row failed(Row candidate, String error) {
        return Tables.ACCURACY.row(common(candidate, Tables.FAILED, error));
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
