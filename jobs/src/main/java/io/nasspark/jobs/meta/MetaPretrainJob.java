package io.nasspark.jobs.meta;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.cli.Progress;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.predict.StoredPredictors;
import io.nasspark.predict.meta.FlatMlp;
import io.nasspark.predict.meta.Maml;
import io.nasspark.predict.meta.MetaMlpPredictor;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.util.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas meta-pretrain}: MAML of the predictor MLP on the pairs of source tasks (thesis Eq.
 * 5.4-5.6), or, with {@code --target latency}, on the network-latency pairs of source devices
 * (HELP's setting: a new device from a few measurements).
 */
@Command(name = "meta-pretrain",
        description = "Meta-learn the predictor MLP (MAML, second order unless --first-order) on the network-accuracy"
                + " pairs of source tasks, or the network-latency pairs of source devices, and store it as a"
                + " predictor for meta-adapt.",
        mixinStandardHelpOptions = true)
public final class MetaPretrainJob extends SparkJob {

    /** The {@code predictors.model} of a meta-learned start. */
    static final String MODEL = "maml-init";

    @Option(names = "--target", defaultValue = "accuracy", paramLabel = "accuracy|latency",
            description = "What the predictor predicts (default: ${DEFAULT-VALUE}).")
    String target;

    @ArgGroup(multiplicity = "1")
    Sources sources;

    /** The groups to learn from: tasks for accuracy, devices for latency. */
    static final class Sources {
        @Option(names = "--source-tasks", required = true, split = ",", paramLabel = "TASK",
                description = "Accuracy: tasks (the task column, e.g. fashion-mnist/tiny-n5-m60-r8-s1) to learn from.")
        List<String> tasks;

        @Option(names = "--source-devices", required = true, split = ",", paramLabel = "DEVICE",
                description = "Latency: devices (the device column of latency) to learn from.")
        List<String> devices;
    }

    @Option(names = "--first-order", description = "First-order MAML: drop the Hessian terms of the outer gradient.")
    boolean firstOrder;

    @Option(names = "--inner-steps", defaultValue = "5", paramLabel = "N",
            description = "Gradient steps on a support set (default: ${DEFAULT-VALUE}).")
    int innerSteps;

    @Option(names = "--inner-lr", defaultValue = "0.02", paramLabel = "ETA",
            description = "Step size of the inner steps, Eq. 5.4 (default: ${DEFAULT-VALUE}).")
    double innerLr;

    @Option(names = "--outer-lr", defaultValue = "0.001", paramLabel = "LAMBDA",
            description = "Adam step size of the outer update, Eq. 5.6 (default: ${DEFAULT-VALUE}).")
    double outerLr;

    @Option(names = "--outer-steps", defaultValue = "2000", paramLabel = "N",
            description = "Outer updates (default: ${DEFAULT-VALUE}).")
    int outerSteps;

    @Option(names = "--tasks-per-step", defaultValue = "4", paramLabel = "N",
            description = "Episodes averaged per outer update (default: ${DEFAULT-VALUE}).")
    int tasksPerStep;

    @Option(names = "--support", defaultValue = "10", paramLabel = "K",
            description = "Pairs an episode adapts on; match the shots of meta-adapt (default: ${DEFAULT-VALUE}).")
    int support;

    @Option(names = "--query", defaultValue = "40", paramLabel = "N",
            description = "Pairs an episode is judged on (default: ${DEFAULT-VALUE}).")
    int query;

    @Option(names = "--hidden", defaultValue = "128,64", split = ",", paramLabel = "W",
            description = "Hidden widths, the latency MLP's by default (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the initial weights and the episodes (default: ${DEFAULT-VALUE}).")
    long seed;

    private Maml.Settings settings;
    private TaskPairs.Target what;
    private List<String> sourceLabels;

    @Override
    protected void validate() {
        what = TaskPairs.Target.of(target);
        sourceLabels = what == TaskPairs.Target.LATENCY ? sources.devices : sources.tasks;
        if (sourceLabels == null) {
            throw new IllegalArgumentException("--target " + target + " learns from "
                    + (what == TaskPairs.Target.LATENCY ? "--source-devices, not --source-tasks"
                            : "--source-tasks, not --source-devices (add --target latency)"));
        }
        settings = new Maml.Settings(innerSteps, innerLr, outerLr, outerSteps, tasksPerStep, support, query, firstOrder);
        if (Arrays.stream(hidden).anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("--hidden widths must be positive, got " + Arrays.toString(hidden));
        }
    }

    @Override
    protected Long seed() {
        return seed;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        long start = System.nanoTime();
        TaskPairs pairs = TaskPairs.read(spark, what, sourceLabels, null, what.value(), null);
        String hyper = "hidden=" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-"))
                + "," + settings.describe() + (what.logScale ? ",log_target=true" : "");
        String group = what.group + "s=" + String.join("+", sourceLabels);
        // Accuracy keeps the ids it had before latency came.
        String predictorId = what == TaskPairs.Target.ACCURACY
                ? Hashing.id128("meta-pretrain", group, hyper, Long.toString(seed), pairs.space().name(),
                        Long.toString(pairs.total()))
                : Hashing.id128("meta-pretrain", what.label(), group, hyper, Long.toString(seed), pairs.space().name(),
                        Long.toString(pairs.total()));
        TableStore store = new TableStore(spark);
        if (store.exists(Tables.PREDICTORS) && !store.read(Tables.PREDICTORS)
                .where(col("predictor_id").equalTo(predictorId)).isEmpty()) {
            return new Outcome(0, "meta-pretrain: predictor " + predictorId.substring(0, 12)
                    + " with these tasks, settings and seed is already stored");
        }
        FlatMlp net = new FlatMlp(pairs.tasks().get(0).x()[0].length, hidden);
        Maml maml = new Maml(net, settings, what.logScale);
        AtomicLong done = new AtomicLong();
        List<Double> losses = new ArrayList<>();
        double[] theta;
        try (Progress progress = Progress.start("meta-pretrain", outerSteps, "outer steps", done::get,
                spec.commandLine().getErr())) {
            theta = maml.train(pairs.tasks(), seed, (step, loss) -> {
                done.set(step);
                losses.add(loss);
            });
        }
        Path dir = Path.of(sparkOptions.tables(), "predictors", predictorId).toAbsolutePath();
        try {
            MetaMlpPredictor.standardised(net, theta, MODEL, hyper, what.logScale).save(dir);
            SourceTasks.write(dir, sourceLabels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the meta-predictor to " + dir, e);
        }
        Row row = StoredPredictors.row(predictorId, what.label(), MODEL, pairs.space(), group, hyper, pairs.total(), 0,
                "all pairs of the source " + what.group + "s; judged by meta-adapt", seed, null, dir, runId,
                Timestamp.from(Instant.now()));
        store.merge(Tables.PREDICTORS, spark.createDataFrame(List.of(row), Tables.PREDICTORS.schema()));
        return new Outcome(1, String.format(Locale.ROOT,
                "meta-pretrain: %s predictor %s (%s MAML, %d inner steps) of %s from %,d pairs of %d %s(s)%s;"
                        + "%n  standardised query loss after adaptation: %.3f over the first 100 outer steps,"
                        + " %.3f over the last 100; %.1f s",
                what.label(), predictorId.substring(0, 12), firstOrder ? "first-order" : "second-order", innerSteps,
                pairs.space().name(), pairs.total(), pairs.tasks().size(), what.group,
                TaskPairs.skippedNote(pairs.skipped(), what),
                mean(losses.subList(0, Math.min(100, losses.size()))),
                mean(losses.subList(Math.max(0, losses.size() - 100), losses.size())),
                (System.nanoTime() - start) / 1e9));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
