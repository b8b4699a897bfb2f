package io.nasspark.jobs.train;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.nasspark.jobs.contract.CandidateEvaluator;
import io.nasspark.latency.DeviceProfile;
import io.nasspark.schema.Tables;
import io.nasspark.train.DivergedException;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.ImageTrainer;
import io.nasspark.train.Proxies;
import io.nasspark.train.TrainingRecipe;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores one candidate: the Jacobian covariance at initialisation, then E epochs of training in
 * a fixed batch order whose batch losses give BTE and TSE. Parameters and FLOPs come from the
 * candidate's row. The result is a {@code training_runs} row carrying its batch losses and
 * proxy scores for the tables written beside it.
 */
final class ScoreEvaluator implements CandidateEvaluator {

    static final StructType LOSS = new StructType()
            .add("epoch", IntegerType, false).add("batch", IntegerType, false).add("loss", DoubleType, true);
    static final StructType PROXY = new StructType()
            .add("proxy", StringType, false).add("value", DoubleType, true).add("score", DoubleType, true)
            .add("seconds", DoubleType, true).add("status", StringType, false);

    private final CandidateTraining training;
    private final String task;
    private final Set<String> proxies;
    private final String runId;

    ScoreEvaluator(CandidateTraining training, String task, Set<String> proxies, String runId) {
        this.training = training;
        this.task = task;
        this.proxies = proxies;
        this.runId = runId;
    }

    @Override
    public StructField[] extraColumns() {
        return new StructField[] {
            DataTypes.createStructField("losses", DataTypes.createArrayType(LOSS, false), false),
            DataTypes.createStructField("proxy_rows", DataTypes.createArrayType(PROXY, false), false),
        };
    }

    @Override
    public Row evaluate(Row candidate) {
        TrainingRecipe recipe = training.recipe();
        ImageBatches data = training.trainData(candidate);
        List<Row> proxyRows = new ArrayList<>();
        List<Row> lossRows = new ArrayList<>();
        Map<String, Object> run = common(candidate, Tables.OK, null);
        run.put("images", data.size());
        try (ImageTrainer trainer = training.trainer(candidate, data)) {
            if (proxies.contains("jacov")) {
                long start = System.nanoTime();
                double v = Proxies.jacobianCovariance(trainer.inputJacobian(data));
                proxyRows.add(RowFactory.create("jacov", v, v, seconds(start),
                        Double.isFinite(v) ? Tables.OK : Tables.FAILED));
            }
            float[][] losses = new float[recipe.epochs()][];
            long start = System.nanoTime();
            int done = 0;
            try {
                for (; done < recipe.epochs(); done++) {
                    losses[done] = trainer.epoch(data);
                    for (int b = 0; b < losses[done].length; b++) {
                        lossRows.add(RowFactory.create(done + 1, b, (double) losses[done][b]));
                    }
                }
            } catch (DivergedException d) {
                run.put("status", Tables.DIVERGED);
                run.put("error", d.getMessage());
                run.put("diverged_epoch", d.epoch());
            }
            double trainSeconds = seconds(start);
            int batches = recipe.batchesPerEpoch(data.size());
            run.put("steps", done * batches);
            run.put("train_seconds", trainSeconds);
            run.put("images_per_second", done * batches * recipe.batch() / trainSeconds);
            if (done > 0) {
                run.put("first_loss", mean(losses[0]));
                run.put("final_loss", mean(losses[done - 1]));
            }
            if (done == recipe.epochs()) {
                if (proxies.contains("bte") && recipe.epochs() >= 2) {
                    double v = Proxies.bte(losses);
                    proxyRows.add(RowFactory.create("bte", v, v, trainSeconds, Tables.OK));
                }
                if (proxies.contains("tse")) {
                    double v = Proxies.tse(losses);
                    proxyRows.add(RowFactory.create("tse", v, -v, trainSeconds, Tables.OK));
                }
            }
        }
        for (String counted : List.of("params", "flops")) {
            if (proxies.contains(counted)) {
                double v = candidate.<Long>getAs(counted);
                proxyRows.add(RowFactory.create(counted, v, v, 0.0, Tables.OK));
            }
        }
        return CandidateEvaluator.withExtras(Tables.TRAINING_RUNS.row(run), lossRows, proxyRows);
    }

    @Override
    public Row failed(Row candidate, String error) {
        return CandidateEvaluator.withExtras(Tables.TRAINING_RUNS.row(common(candidate, Tables.FAILED, error)),
                List.of(), List.of());
    }

    private Map<String, Object> common(Row candidate, String status, String error) {
        TrainingRecipe recipe = training.recipe();
        Map<String, Object> row = new HashMap<>();
        row.put("id", candidate.getAs("id"));
        row.put("input_size", candidate.getAs("input_size"));
        row.put("classes", candidate.getAs("classes"));
        row.put("task", task);
        row.put("recipe", recipe.label());
        row.put("space", candidate.getAs("space"));
        row.put("epochs", recipe.epochs());
        row.put("batch", recipe.batch());
        row.put("init_seed", training.initSeed(candidate));
        row.put("threads", training.threads());
        row.put("host", DeviceProfile.hostName());
        row.put("status", status);
        row.put("error", error);
        row.put("run_id", runId);
        row.put("created_at", Timestamp.from(Instant.now()));
        return row;
    }

    static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
