package io.nasspark.jobs.predict;

import io.nasspark.predict.Predictor;
import io.nasspark.predict.Predictors;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The MLlib baseline: gradient-boosted trees on the one-hot encoding. It lives with the jobs
 * because MLlib fits it on a Spark DataFrame; once fit it predicts row by row without Spark,
 * so the {@code predict} job broadcasts it like any other predictor.
 */
final class GbtPredictor implements Predictor, Serializable {

    static final int DEFAULT_TREES = 100;
    static final int MAX_DEPTH = 5;

    private final GBTRegressionModel model;
    private final boolean logTarget;

    private GbtPredictor(GBTRegressionModel model, boolean logTarget) {
        this.model = model;
        this.logTarget = logTarget;
    }

    static GbtPredictor fit(SparkSession spark, SearchSpace space, List<Candidate> x, double[] y,
            boolean logTarget, long seed, int trees) {
        List<Row> rows = new ArrayList<>(x.size());
        for (int i = 0; i < x.size(); i++) {
            rows.add(RowFactory.create(features(space, x.get(i)), logTarget ? Math.log(y[i]) : y[i]));
        }
        StructType schema = new StructType().add("features", new org.apache.spark.ml.linalg.VectorUDT())
                .add("label", DataTypes.DoubleType);
        Dataset<Row> data = spark.createDataFrame(rows, schema);
        GBTRegressionModel model = new GBTRegressor().setMaxIter(trees).setMaxDepth(MAX_DEPTH)
                .setSeed(seed).fit(data);
        return new GbtPredictor(model, logTarget);
    }

    private static Vector features(SearchSpace space, Candidate c) {
        float[] f = space.oneHot(c);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return Vectors.dense(d).compressed();
    }

    @Override
    public String kind() {
        return "gbt";
    }

    @Override
    public String describe() {
        return "max_iter=" + model.getMaxIter() + ",max_depth=" + MAX_DEPTH + ",log_target=" + logTarget;
    }

    @Override
    public double[] predict(SearchSpace space, List<Candidate> batch) {
        double[] out = new double[batch.size()];
        for (int i = 0; i < out.length; i++) {
            double z = model.predict(features(space, batch.get(i)));
            out[i] = logTarget ? Math.exp(z) : z;
        }
        return out;
    }

    @Override
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        model.write().overwrite().save(dir.resolve("gbt").toString());
        Properties p = new Properties();
        p.setProperty("kind", kind());
        p.setProperty("target.log", Boolean.toString(logTarget));
        Predictors.writeSettings(dir, p);
    }

    /** Loads a saved model; needs the driver's session (MLlib reads its metadata with it). */
    static GbtPredictor load(Path dir) throws IOException {
        Properties p = Predictors.settingsOf(dir);
        return new GbtPredictor(GBTRegressionModel.load(dir.resolve("gbt").toString()),
                Boolean.parseBoolean(p.getProperty("target.log")));
    }
}
