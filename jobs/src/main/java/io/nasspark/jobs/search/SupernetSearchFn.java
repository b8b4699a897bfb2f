package io.nasspark.jobs.search;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.nasspark.data.Datasets;
import io.nasspark.data.ImageSet;
import io.nasspark.jobs.train.TrainingData;
import io.nasspark.model.SeededWeights;
import io.nasspark.predict.DifferentiablePredictor;
import io.nasspark.predict.Predictors;
import io.nasspark.schema.Tables;
import io.nasspark.search.differentiable.MbConvSupernet;
import io.nasspark.search.differentiable.SupernetSearch;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.train.ImageBatches;
import io.nasspark.util.FileTrees;
import io.nasspark.util.Seeds;
import java.io.Serializable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * One whole differentiable search on an executor, with the task's cpus as the engine's threads.
 * A search that throws, or ends with a loss or latency that is not a finite number, becomes a
 * {@code failed} row; its checkpoints stay, so a re-run with {@code --retry-failed} continues.
 */
final class SupernetSearchFn implements Function<SupernetSearchFn.Task, SupernetSearchFn.Outcome> {

    private static final long serialVersionUID = 1L;

    /** One search of a sweep. */
    record Task(String searchId, SupernetSearch.Method method, double targetMs, double lambda, long seed)
            implements Serializable {}

    /** A search's {@code supernet_searches} row and its {@code supernet_trace} rows. */
    record Outcome(Row search, List<Row> trace) implements Serializable {
        boolean ok() {
            return Tables.OK.equals(search.get(Tables.SUPERNET_SEARCHES.columns().indexOf("status")));
        }
    }

    /** What every search of the sweep shares. */
    record Sweep(String spaceName, String predictorId, String predictorPath, String definition, String dataset,
            int trainImages, int validationImages, int inputSize, SearchSettings settings, String checkpointRoot,
            Integer stopAfterEpoch, String runId) implements Serializable {}

    /** {@link SupernetSearch.Settings} without the threads, which the task decides. */
    record SearchSettings(int epochs, int warmupEpochs, int batch, double weightLearningRate,
            SupernetSearch.AlphaOptimizer alphaOptimizer, double alphaLearningRate, double lambdaLearningRate,
            double lambdaGain, double identityWeight, double temperatureStart, double temperatureEnd,
            double deriveTolerance) implements Serializable {
        SupernetSearch.Settings with(double lambda, int threads) {
            return new SupernetSearch.Settings(epochs, warmupEpochs, batch, weightLearningRate, alphaOptimizer,
                    alphaLearningRate, lambdaLearningRate, lambdaGain, lambda, identityWeight, temperatureStart,
                    temperatureEnd, deriveTolerance, threads);
        }
    }

    private final Sweep sweep;
    private final LongAccumulator done;

    SupernetSearchFn(Sweep sweep, LongAccumulator done) {
        this.sweep = sweep;
        this.done = done;
    }

    @Override
    public Outcome call(Task task) {
        long start = System.nanoTime();
        Path checkpoints = Path.of(sweep.checkpointRoot(), task.searchId().replaceAll("[^A-Za-z0-9.=_-]", "_"));
        int resumedFrom = SupernetSearch.lastCheckpointedEpoch(checkpoints);
        Map<String, Object> row = searchRow(task);
        List<Row> trace = new ArrayList<>();
        try {
            SupernetSearch.Result r = search(task, checkpoints);
            MbConvSpace space = space();
            row.put("id", space.id(r.derived()));
            row.put("arch", space.format(r.derived()));
            row.put("predicted_ms", r.predictedMs());
            row.put("final_lambda", r.lambda());
            row.put("steps", r.trace().size());
            String problem = problem(r, task.method(), sweep.settings().warmupEpochs());
            if (problem != null) {
                // the checkpoints hold the state that went wrong: a retry starts over
                removeCheckpoints(checkpoints);
                problem += "; its checkpoints were removed, so --retry-failed starts it over";
            }
            row.put("status", problem == null ? Tables.OK : Tables.FAILED);
            row.put("error", problem);
            Timestamp now = Timestamp.from(Instant.now());
            for (SupernetSearch.TraceRow t : r.trace()) {
                trace.add(traceRow(task.searchId(), t, now));
            }
        } catch (RuntimeException e) {
            row.put("status", Tables.FAILED);
            row.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        row.put("resumed_from_epoch", resumedFrom);
        row.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        done.add(1);
        return new Outcome(Tables.SUPERNET_SEARCHES.row(row), trace);
    }

    private MbConvSpace space() {
        return (MbConvSpace) SearchSpaces.byName(sweep.spaceName());
    }

    private SupernetSearch.Result search(Task task, Path checkpoints) {
        int threads = TaskContext.get() == null ? 1 : TaskContext.get().cpus();
        MbConvSpace space = space();
        DifferentiablePredictor latency = ownPredictor();
        Datasets.Splits splits = TrainingData.open(sweep.dataset());
        ImageSet images = splits.train();
        ImageBatches.Normalisation norm = ImageBatches.Normalisation.of(images, sweep.trainImages());
        ImageBatches train = ImageBatches.of(images, sweep.trainImages(), sweep.inputSize(), norm);
        int[] held = IntStream.range(sweep.trainImages(), sweep.trainImages() + sweep.validationImages()).toArray();
        ImageBatches validation = ImageBatches.of(
                images.subset(held, IntStream.range(0, images.classes()).toArray(), images.classNames()),
                held.length, sweep.inputSize(), norm);
        try (NDManager manager = NDManager.newBaseManager()) {
            MbConvSupernet supernet = new MbConvSupernet(space, images.classes());
            supernet.initialize(manager, DataType.FLOAT32, train.inputShape());
            SeededWeights.apply(supernet, SeededWeights.Scheme.HE, Seeds.forItem(task.seed(), -1));
            SupernetSearch search = new SupernetSearch(supernet, latency, task.method(), task.targetMs(),
                    sweep.settings().with(task.lambda(), threads), task.seed());
            search.afterEachEpoch(last -> System.err.printf(Locale.ROOT,
                    "supernet-search %s: epoch %d/%d, LAT(ᾱ) %.3f ms (T %.3f), λ %.4g, train loss %.3f%n",
                    task.searchId(), last.epoch(), sweep.settings().epochs(), last.predictedMs(), task.targetMs(),
                    last.lambda(), last.trainLoss()));
            return search.run(train, validation, checkpoints,
                    sweep.stopAfterEpoch() == null ? Integer.MAX_VALUE : sweep.stopAfterEpoch());
        }
    }

    /**
     * The latency predictor, loaded for this task alone: the α step back-propagates through it,
     * and tasks sharing an executor must not share its gradients.
     */
    private DifferentiablePredictor ownPredictor() {
        try {
            return (DifferentiablePredictor) Predictors.load(Path.of(sweep.predictorPath()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot load the latency predictor in " + sweep.predictorPath(), e);
        }
    }

    private static void removeCheckpoints(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the checkpoints in " + dir, e);
        }
    }

    /**
     * Why a finished search's result cannot be trusted, or null. A NaN α still derives a network
     * (every argmax is the first operator), so α's entropy is checked too; SurgeNAS, and LightNAS
     * in its warm-up, have no validation loss.
     */
    private static String problem(SupernetSearch.Result r, SupernetSearch.Method method, int warmupEpochs) {
        if (!Double.isFinite(r.predictedMs())) {
            return "the derived network's predicted latency is " + r.predictedMs();
        }
        boolean twoLevel = method != SupernetSearch.Method.SURGENAS;
        for (SupernetSearch.TraceRow t : r.trace()) {
            boolean validated = twoLevel && t.epoch() > warmupEpochs;
            if (!Double.isFinite(t.trainLoss()) || (validated && !Double.isFinite(t.validationLoss()))
                    || !Double.isFinite(t.lambda()) || !Double.isFinite(t.alphaEntropy())) {
                return "step " + t.step() + " has a loss, λ or α that is not a finite number: " + t;
            }
        }
        return null;
    }

    private Map<String, Object> searchRow(Task task) {
        MbConvSpace space = space();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("search_id", task.searchId());
        row.put("method", SupernetSearchJob.methodName(task.method()));
        row.put("space", space.name());
        row.put("space_version", space.version());
        row.put("predictor_id", sweep.predictorId());
        row.put("target_ms", task.targetMs());
        row.put("lambda_start", task.lambda());
        row.put("seed", task.seed());
        row.put("definition", sweep.definition());
        row.put("input_size", sweep.inputSize());
        row.put("classes", space.defaultClasses());
        row.put("run_id", sweep.runId());
        row.put("created_at", Timestamp.from(Instant.now()));
        return row;
    }

    private Row traceRow(String searchId, SupernetSearch.TraceRow t, Timestamp now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("search_id", searchId);
        row.put("step", t.step());
        row.put("epoch", t.epoch());
        row.put("lambda", t.lambda());
        row.put("temperature", t.temperature());
        row.put("predicted_ms", t.predictedMs());
        row.put("train_loss", t.trainLoss());
        row.put("validation_loss", Double.isNaN(t.validationLoss()) ? null : t.validationLoss());
        row.put("alpha_entropy", t.alphaEntropy());
        row.put("arch", t.arch());
        row.put("run_id", sweep.runId());
        row.put("created_at", now);
        return Tables.SUPERNET_TRACE.row(row);
    }
}
