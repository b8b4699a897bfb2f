package io.nasspark.jobs.train;

import static org.apache.spark.sql.functions.lit;

import io.nasspark.data.TinyTask;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.contract.CandidateWork;
import io.nasspark.jobs.contract.WorkOptions;
import io.nasspark.jobs.sample.SampleJob;
import io.nasspark.jobs.sample.SampleOptions;
import io.nasspark.schema.Tables;
import io.nasspark.train.TrainingRecipe;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nas generate-pairs}: the network-accuracy pairs a meta-accuracy predictor learns from
 * (thesis §5.3.3). It cuts a tiny task from a dataset, draws candidates sized for it, trains
 * each on the executors with one short recipe and writes its accuracy, keyed by the task's label.
 */
@Command(name = "generate-pairs",
        description = "Cut a tiny task from a dataset (N classes and M images per class drawn with the seed, R px),"
                + " draw K candidates for it, train each on the executors with a short recipe and write their"
                + " accuracy on the task's test images to the accuracy table.",
        mixinStandardHelpOptions = true)
public final class GeneratePairsJob extends SparkJob {

    @Option(names = "--space", required = true, paramLabel = "SPACE", description = "Search space to draw from.")
    String space;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "5",
            description = "Classes of the tiny task (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--images-per-class", paramLabel = "M", defaultValue = "100",
            description = "Training images per class (default: ${DEFAULT-VALUE}).")
    int imagesPerClass;

    @Option(names = "--resolution", paramLabel = "R", defaultValue = "16",
            description = "Image size in px, and the candidates' input size (default: ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--count", paramLabel = "K", required = true, description = "Candidates to draw and train.")
    long count;

    @Option(names = "--test-images", paramLabel = "N", defaultValue = "0",
            description = "Judge on the first N test images of the task's classes, 0 for all (default: ${DEFAULT-VALUE}).")
    int testImages;

    @Mixin
    WorkOptions work;

    @Mixin
    TrainingOptions training;

    private TinyTask tiny;
    private TrainingRecipe recipe;
    private SampleOptions sample;

    @Override
    protected void validate() {
        work.validate();
        if (testImages < 0) {
            throw new IllegalArgumentException("--test-images must not be negative, got " + testImages);
        }
        try {
            tiny = new TinyTask(classes, imagesPerClass, resolution, training.seed());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--classes, --images-per-class, --resolution: " + e.getMessage(), e);
        }
        recipe = training.recipe(10, 0, true);
        TrainingData.check(training.dataset(), tiny, recipe);
        sample = new SampleOptions(space, count, false, training.seed(), false, resolution, classes, 0);
    }

    @Override
    protected Long seed() {
        return training.seed();
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        SampleJob.Result drawn = SampleJob.run(spark, sample, runId, spec.commandLine().getErr());
        String task = TrainingData.task(training.dataset(), tiny);
        int threads = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        AccuracyEvaluator evaluator = new AccuracyEvaluator(
                new CandidateTraining(training.dataset(), tiny, recipe, threads), task, testImages, runId);
        Dataset<Row> candidates = SampleJob.draws(spark, sample, runId)
                .withColumn("task", lit(task))
                .withColumn("recipe", lit(evaluator.recipeLabel()));
        CandidateWork.Result r = new CandidateWork(spark, Tables.ACCURACY, work).batchPerCore(2)
                .run(candidates, evaluator, "generate-pairs", spec.commandLine().getErr());
        return new Outcome(r.evaluated(), drawn.summary() + "\n" + r.summary("generate-pairs", Tables.ACCURACY.name())
                + String.format(Locale.ROOT, "%n  task %s (%d classes, %d training images), recipe %s", task, classes,
                        classes * imagesPerClass, evaluator.recipeLabel())
                + TrainingJobs.accuracyLine(spark, runId));
    }
}
