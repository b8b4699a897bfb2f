package io.nasspark.jobs.predict;

import static org.apache.spark.sql.functions.col;

import io.nasspark.predict.Predictor;
import io.nasspark.predict.RegressionMetrics;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The predictors in the {@code predictors} table, for any job: found by id prefix, applied to
 * candidates on the executors, or loaded on the driver to answer one candidate at a time.
 */
public final class StoredPredictors {

    private StoredPredictors() {}

    /**
     * The {@code predictors} row whose id starts with {@code prefix}, checked against this
     * build's version of its space.
     *
     * @throws IllegalArgumentException when there is none, more than one, or the space changed
     */
    public static Row find(TableStore store, String prefix) {
        if (!store.exists(Tables.PREDICTORS)) {
            throw new IllegalArgumentException("no predictors stored yet; run train-predictor first");
        }
        List<Row> found = store.read(Tables.PREDICTORS)
                .where(col("predictor_id").startsWith(prefix)).limit(2).collectAsList();
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no predictor " + prefix + " in predictors");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("predictor prefix " + prefix + " is not unique; give more of it");
        }
        Row p = found.get(0);
        String space = p.getAs("space");
        int version = p.<Integer>getAs("space_version");
        int current = SearchSpaces.byName(space).version();
        if (current != version) {
            throw new IllegalArgumentException("predictor " + p.getAs("predictor_id") + " was fit on " + space
                    + " v" + version + " but this build has " + space + " v" + current + "; train a new one");
        }
        return p;
    }

    /**
     * {@code predictions} rows of {@code predictor} for {@code candidates} (architectures rows),
     * computed lazily on the executors in batches of {@code batchSize}.
     */
    public static Dataset<Row> apply(SparkSession spark, Row predictor, Dataset<Row> candidates, int batchSize,
            String runId, LongAccumulator done) {
        Broadcast<Predictor> shipped = predictor.<String>getAs("model").equals("gbt")
                ? spark.sparkContext().broadcast(load(predictor), scala.reflect.ClassTag$.MODULE$.apply(Predictor.class))
                : null;
        PredictFn fn = new PredictFn(predictor.getAs("predictor_id"), predictor.getAs("target"),
                predictor.getAs("path"), readsChannelScales(predictor), shipped, batchSize, runId,
                Timestamp.from(Instant.now()), done);
        return candidates.mapPartitions(fn, Encoders.row(Tables.PREDICTIONS.schema()));
    }

    /**
     * A {@code predictors} row.
     *
     * @param metrics on the unseen rows, or null when the predictor was judged on none
     */
    public static Row row(String predictorId, String target, String model, SearchSpace space, String group,
            String hyperParameters, long trainRows, long testRows, String split, long seed, RegressionMetrics metrics,
            Path dir, String runId, Timestamp now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("predictor_id", predictorId);
        row.put("target", target);
        row.put("model", model);
        row.put("space", space.name());
        row.put("space_version", space.version());
        row.put("grp", group);
        row.put("hyper_parameters", hyperParameters);
        row.put("train_rows", trainRows);
        row.put("test_rows", testRows);
        row.put("split", split);
        row.put("seed", seed);
        if (metrics != null) {
            row.put("rmse", metrics.rmse());
            row.put("mae", metrics.mae());
            row.put("mape", metrics.mape());
            row.put("kendall_tau", metrics.kendallTau());
            row.put("spearman_rho", metrics.spearmanRho());
            row.put("within_5pct", metrics.within5pct());
            row.put("within_10pct", metrics.within10pct());
        }
        row.put("path", dir.toString());
        row.put("run_id", runId);
        row.put("created_at", now);
        return Tables.PREDICTORS.row(row);
    }

    /** The predictor itself, loaded once per JVM (gbt models need the driver's session). */
    /**
     * Whether {@code predictor} reads the per-layer channel scales of an MBConv space (fit by
     * {@code train-predictor --channel-scales}); others read the operators only.
     */
    public static boolean readsChannelScales(Row predictor) {
        String split = predictor.getAs("split");
        return split != null && split.contains(CHANNEL_SCALES);
    }

    /** What {@code split} says of a predictor fit with channel scales. */
    static final String CHANNEL_SCALES = "channel-scales";

    public static Predictor load(Row predictor) {
        return StoredPredictor.load(Path.of(predictor.<String>getAs("path")));
    }
}
