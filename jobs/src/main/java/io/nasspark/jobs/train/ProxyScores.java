package io.nasspark.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nasspark.jobs.contract.WorkOptions;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.train.TrainingRecipe;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A proxy as a fitness for other jobs: scores what is not scored yet, then reads the stored scores. */
public final class ProxyScores {

    private ProxyScores() {}

    /**
     * The oriented score of {@code proxy} for each of {@code candidates} (architectures rows),
     * training those without one on the executors, one per task.
     */
    public static Map<String, Double> of(SparkSession spark, Dataset<Row> candidates, String proxy, String dataset,
            TrainingRecipe recipe, String runId, PrintWriter err) {
        TrainingData.check(dataset, recipe);
        String task = TrainingData.task(dataset);
        int threads = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        ScoreEvaluator evaluator = new ScoreEvaluator(new CandidateTraining(dataset, recipe, threads), task,
                Set.of(proxy), runId);
        Dataset<Row> keyed = candidates.withColumn("task", lit(task)).withColumn("recipe", lit(recipe.label()));
        ScoreJob.score(spark, keyed, evaluator, new WorkOptions(), err);
        Map<String, Double> scores = new HashMap<>();
        new TableStore(spark).read(Tables.PROXY_SCORES)
                .where(col("proxy").equalTo(proxy).and(col("task").equalTo(task))
                        .and(col("recipe").equalTo(recipe.label())).and(col("status").equalTo(Tables.OK)))
                .join(candidates.select("id", "input_size", "classes"), scala.jdk.javaapi.CollectionConverters
                        .asScala(java.util.List.of("id", "input_size", "classes")).toSeq())
                .select("id", "score").collectAsList()
                .forEach(r -> scores.put(r.getString(0), r.getDouble(1)));
        return scores;
    }
}
