package io.nasspark.jobs.train;

import static org.apache.spark.sql.functions.col;

import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** Pieces the training jobs share on the driver. */
final class TrainingJobs {

    private TrainingJobs() {}

    /** The selected candidates whose classifier fits the dataset, or a message saying none does. */
    static Dataset<Row> matchingClasses(Dataset<Row> selected, int classes, String dataset) {
        Dataset<Row> fitting = selected.where(col("classes").equalTo(classes));
        if (fitting.isEmpty() && !selected.isEmpty()) {
            throw new IllegalArgumentException("no selected candidate has " + classes + " outputs, the classes of "
                    + dataset + "; sample candidates with --classes " + classes);
        }
        return fitting;
    }

    /** Status counts and throughput of the training rows a run wrote. */
    static String runLine(SparkSession spark, String runId) {
        Row r = new TableStore(spark).read(Tables.TRAINING_RUNS)
                .where(col("run_id").equalTo(runId))
                .agg(functions.sum(functions.when(col("status").equalTo(Tables.DIVERGED), 1).otherwise(0)),
                        functions.avg("images_per_second"), functions.avg("train_seconds"))
                .first();
        if (r.isNullAt(0)) {
            return "";
        }
        return String.format(Locale.ROOT, "%n  %d diverged; training %.0f images/s per task, %.1f s per candidate",
                r.getLong(0), r.isNullAt(1) ? 0.0 : r.getDouble(1), r.isNullAt(2) ? 0.0 : r.getDouble(2));
    }

    /** Mean and best top-1, time per candidate and divergences of the accuracy rows a run wrote. */
    static String accuracyLine(SparkSession spark, String runId) {
        Row stats = new TableStore(spark).read(Tables.ACCURACY).where(col("run_id").equalTo(runId))
                .agg(functions.avg("top1"), functions.max("top1"), functions.avg("train_seconds"),
                        functions.sum(functions.when(col("status").equalTo(Tables.DIVERGED), 1).otherwise(0)))
                .first();
        return stats.isNullAt(0) ? "" : String.format(Locale.ROOT,
                "%n  top-1 mean %.2f %%, best %.2f %%; %.1f s per candidate; %d diverged", stats.getDouble(0),
                stats.getDouble(1), stats.getDouble(2), stats.getLong(3));
    }
}
