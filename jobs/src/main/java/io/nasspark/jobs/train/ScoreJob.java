package io.nasspark.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.contract.CandidateSelection;
import io.nasspark.jobs.contract.CandidateWork;
import io.nasspark.jobs.contract.WorkOptions;
import io.nasspark.schema.Tables;
import io.nasspark.train.TrainingRecipe;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nas score}: accuracy proxies of stored candidates from short training runs, one candidate per task. */
@Command(name = "score",
        description = "Train each selected candidate for E epochs in a fixed batch order on the executors and"
                + " write training_runs, batch_losses and proxy_scores (BTE, TSE, Jacobian covariance,"
                + " parameters, FLOPs).",
        mixinStandardHelpOptions = true)
public final class ScoreJob extends SparkJob {

    static final List<String> PROXIES = List.of("bte", "tse", "jacov", "params", "flops");

    @Mixin
    CandidateSelection selection;

    @Mixin
    WorkOptions work;

    @Mixin
    TrainingOptions training;

    @Option(names = "--proxies", paramLabel = "LIST", split = ",", defaultValue = "bte,tse,jacov,params,flops",
            description = "Proxies to compute, of ${DEFAULT-VALUE}.")
    List<String> proxies;

    private TrainingRecipe recipe;
    private int classes;

    @Override
    protected void validate() {
        selection.validate();
        work.validate();
        for (String p : proxies) {
            if (!PROXIES.contains(p)) {
                throw new IllegalArgumentException("--proxies: unknown proxy '" + p + "'; known: "
                        + String.join(",", PROXIES));
            }
        }
        // Definition 4.1: no shuffling, so batch n holds the same images in every epoch.
        recipe = training.recipe(3, 1024, false);
        if (proxies.contains("bte") && recipe.epochs() < 2) {
            throw new IllegalArgumentException("--proxies bte needs --epochs 2 or more (it compares epochs), got "
                    + recipe.epochs());
        }
        classes = TrainingData.check(training.dataset(), recipe);
    }

    @Override
    protected Long seed() {
        return training.seed();
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        String task = TrainingData.task(training.dataset());
        Dataset<Row> candidates = TrainingJobs.matchingClasses(selection.select(spark), classes, training.dataset())
                .withColumn("task", lit(task))
                .withColumn("recipe", lit(recipe.label()));
        int threads = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        ScoreEvaluator evaluator = new ScoreEvaluator(new CandidateTraining(training.dataset(), recipe, threads), task,
                new LinkedHashSet<>(proxies), runId);
        CandidateWork.Result r = score(spark, candidates, evaluator, work, spec.commandLine().getErr());
        return new Outcome(r.evaluated(), r.summary("score", Tables.TRAINING_RUNS.name())
                + String.format(Locale.ROOT, "%n  task %s, recipe %s", task, recipe.label())
                + TrainingJobs.runLine(spark, runId));
    }

    /**
     * Scores the candidates not scored yet (they carry the task and recipe columns), writing
     * {@code training_runs}, {@code batch_losses} and {@code proxy_scores}.
     */
    static CandidateWork.Result score(SparkSession spark, Dataset<Row> candidates, ScoreEvaluator evaluator,
            WorkOptions work, java.io.PrintWriter err) {
        return new CandidateWork(spark, Tables.TRAINING_RUNS, work).batchPerCore(2)
                .alsoWriting(Tables.BATCH_LOSSES, rows -> rows
                        .select(col("id"), col("input_size"), col("classes"), col("task"), col("recipe"),
                                explode(col("losses")).as("l"), col("run_id"))
                        .select("id", "input_size", "classes", "task", "recipe", "l.epoch", "l.batch", "l.loss",
                                "run_id"))
                .alsoWriting(Tables.PROXY_SCORES, rows -> rows
                        .select(col("id"), col("input_size"), col("classes"), col("task"), col("recipe"),
                                col("space"), explode(col("proxy_rows")).as("p"), col("run_id"), col("created_at"))
                        .select("id", "input_size", "classes", "task", "recipe", "p.proxy", "space", "p.value",
                                "p.score", "p.seconds", "p.status", "run_id", "created_at"))
                .run(candidates, evaluator, "score", err);
    }
}
