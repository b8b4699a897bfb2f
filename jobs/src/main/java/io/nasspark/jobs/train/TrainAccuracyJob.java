package io.nasspark.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import io.nasspark.compress.LinearMerge;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.contract.CandidateSelection;
import io.nasspark.jobs.contract.CandidateWork;
import io.nasspark.jobs.contract.WorkOptions;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.train.TrainingRecipe;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nas train-accuracy}: train stored candidates for K epochs and record their test accuracy. */
@Command(name = "train-accuracy",
        description = "Train each selected candidate for K epochs (shuffled batches, seeded) on the executors and"
                + " write its top-1 and top-5 test accuracy to the accuracy table.",
        mixinStandardHelpOptions = true)
public final class TrainAccuracyJob extends SparkJob {

    @Mixin
    CandidateSelection selection;

    @Mixin
    WorkOptions work;

    @Mixin
    TrainingOptions training;

    @Option(names = "--test-images", paramLabel = "N", defaultValue = "0",
            description = "Judge on the first N test images, 0 for all (default: ${DEFAULT-VALUE}).")
    int testImages;

    @Option(names = "--merge",
            description = "Also judge each trained network after linear reparameterization (train first, then merge;"
                    + " BatchNorms folded, grafted blocks merged), under recipe <recipe>+merged.")
    boolean merge;

    @Option(names = "--linearize", paramLabel = "start|gradual|after", defaultValue = "start",
            description = "Hybrid spaces: how the linear blocks learn. start: linear from the first step; gradual:"
                    + " hybrid transformable training, their ReLU6 faded into the identity over --fade-share of the"
                    + " steps; after: non-linear throughout, made linear once trained (default: ${DEFAULT-VALUE}).")
    String linearize;

    @Option(names = "--fade-share", paramLabel = "F", defaultValue = "0.67",
            description = "gradual: share of the steps over which the activations fade; the rest train the exactly"
                    + " linear blocks (default: ${DEFAULT-VALUE}).")
    double fadeShare;

    @Option(names = "--elastic", paramLabel = "MIN-MAX",
            description = "Arbitrary-resolution elastic training: each step at MAX px against the labels and at a size"
                    + " drawn from MIN..MAX against MAX's outputs (cross-resolution distillation); judged at"
                    + " --judge-sizes with BatchNorm recalibrated per size, one row each.")
    String elastic;

    @Option(names = "--judge-sizes", split = ",", paramLabel = "PX[,PX…]",
            description = "Also judge at these input sizes, BatchNorm statistics recalibrated at each, one row per size"
                    + " (with --elastic, default: four sizes spread over its range; without, a single-resolution"
                    + " network off its size, recipe <recipe>-trained<N>px).")
    List<Integer> judgeSizes;

    private CandidateTraining.Linearization linearization;
    private Resolutions resolutions;

    private TrainingRecipe recipe;
    private int classes;

    @Override
    protected void validate() {
        selection.validate();
        work.validate();
        if (testImages < 0) {
            throw new IllegalArgumentException("--test-images must not be negative, got " + testImages);
        }
        linearization = CandidateTraining.Linearization.of(linearize);
        if (!(fadeShare > 0 && fadeShare <= 1)) {
            throw new IllegalArgumentException("--fade-share must be in (0, 1], got " + fadeShare);
        }
        // without --space, a candidate of a space without linear blocks becomes a failed row saying so
        if (linearization != CandidateTraining.Linearization.FROM_START && selection.space() != null
                && !selection.space().endsWith(MbConvSpace.HYBRID_SUFFIX)) {
            throw new IllegalArgumentException("--linearize " + linearize + " needs a hybrid space's candidates, such"
                    + " as mbconv-mini-hybrid's, not " + selection.space() + "'s");
        }
        resolutions = Resolutions.of(elastic, judgeSizes == null ? List.of() : judgeSizes);
        recipe = training.recipe(10, 10_000, true);
        classes = TrainingData.check(training.dataset(), recipe);
    }

    @Override
    protected Long seed() {
        return training.seed();
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        String task = TrainingData.task(training.dataset());
        int threads = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        CandidateTraining candidateTraining = new CandidateTraining(training.dataset(), recipe, threads)
                .linearizing(linearization, fadeShare);
        AccuracyEvaluator evaluator = new AccuracyEvaluator(candidateTraining, task, testImages, runId, merge,
                resolutions);
        Dataset<Row> candidates = TrainingJobs.matchingClasses(selection.select(spark), classes, training.dataset())
                .withColumn("task", lit(task))
                .withColumn("recipe", lit(evaluator.recipeLabel()));
        CandidateWork work = new CandidateWork(spark, Tables.ACCURACY, this.work).batchPerCore(2);
        if (evaluator.writesMoreRows()) {
            work.alsoWriting(Tables.ACCURACY, rows -> rows.select(explode(col("more_rows")).as("m")).select("m.*"));
        }
        CandidateWork.Result r = work.run(candidates, evaluator, "train-accuracy", spec.commandLine().getErr());
        return new Outcome(r.evaluated(), r.summary("train-accuracy", Tables.ACCURACY.name())
                + String.format(Locale.ROOT, "%n  task %s, recipe %s", task, evaluator.recipeLabel())
                + TrainingJobs.accuracyLine(spark, runId)
                + (merge ? mergedLine(spark, runId, evaluator.recipeLabel()) : ""));
    }

    /** How the merged networks' accuracy compares with the trained ones' in this run. */
    private static String mergedLine(SparkSession spark, String runId, String recipe) {
        Dataset<Row> rows = new TableStore(spark).read(Tables.ACCURACY)
                .where(col("run_id").equalTo(runId).and(col("status").equalTo(Tables.OK)));
        Row r = rows.where(col("recipe").equalTo(recipe)).select(col("id"), col("input_size"), col("top1").as("trained"))
                .join(rows.where(col("recipe").equalTo(recipe + LinearMerge.MERGED_SUFFIX))
                        .select(col("id"), col("input_size"), col("top1").as("merged")), new String[] {"id", "input_size"})
                .agg(functions.count("*"), functions.sum(functions.when(col("trained").equalTo(col("merged")), 1)
                        .otherwise(0)), functions.max(functions.abs(col("trained").minus(col("merged")))))
                .first();
        return r.getLong(0) == 0 ? "" : String.format(Locale.ROOT, "%n  merged (recipe %s%s): same top-1 for %d of"
                + " %d candidates, largest difference %.2f points", recipe, LinearMerge.MERGED_SUFFIX, r.getLong(1),
                r.getLong(0), r.getDouble(2));
    }
}
