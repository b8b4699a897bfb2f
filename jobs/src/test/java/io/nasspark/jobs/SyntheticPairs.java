package io.nasspark.jobs;

import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpace;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Network-accuracy pairs whose accuracy is a known function of the architecture, for tests of
 * the predictors that learn it: no training, so they take no time.
 */
public final class SyntheticPairs {

    private SyntheticPairs() {}

    /** Accuracy rows whose top-1 is level + spread * tanh(a fixed score of the one-hot encoding). */
    public static void write(SparkSession spark, SearchSpace space, List<Row> candidates, String task, double level,
            double spread, boolean oneNaN) {
        double[] effect = new double[space.oneHot(space.parse(candidates.get(0).getAs("arch"))).length];
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < effect.length; i++) {
            effect[i] = rng.nextGaussian();
        }
        SplittableRandom noise = new SplittableRandom(task.hashCode());
        List<Row> rows = new ArrayList<>();
        for (Row c : candidates) {
            float[] x = space.oneHot(space.parse(c.getAs("arch")));
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += effect[i] * x[i];
            }
            Map<String, Object> row = new HashMap<>();
            row.put("id", c.getAs("id"));
            row.put("input_size", c.getAs("input_size"));
            row.put("classes", c.getAs("classes"));
            row.put("task", task);
            row.put("recipe", "synthetic");
            row.put("space", space.name());
            row.put("top1", oneNaN && rows.isEmpty() ? Double.NaN
                    : level + spread * (Math.tanh(s / 2) + 0.05 * noise.nextGaussian()));
            row.put("status", Tables.OK);
            row.put("source", "test");
            row.put("created_at", Timestamp.from(Instant.now()));
            rows.add(Tables.ACCURACY.row(row));
        }
        new TableStore(spark).merge(Tables.ACCURACY, spark.createDataFrame(rows, Tables.ACCURACY.schema()));
    }
}
