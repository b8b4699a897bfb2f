package io.nasspark.predict;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.nasspark.model.Scalars;
import io.nasspark.model.SeededWeights;
import io.nasspark.util.Seeds;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * A DJL network regressing one number, trained with Adam on the mean squared error of
 * standardised targets. Reproducible: weights are drawn from the seed (not the engine's global
 * generator, which two tasks in one JVM would share) and mini-batches come in a seeded order.
 *
 * @param <E> one example's input, which {@link Inputs} batches into arrays
 */
final class DjlRegressor<E> {

    static final String WEIGHTS = "weights.params";

    /** Turns examples into the network's input arrays. */
    interface Inputs<E> {
        NDList batch(NDManager manager, List<E> examples);

        /** Input shapes of a batch of one, to initialise the network. */
        Shape[] shapes();
    }

    /**
     * How to fit.
     *
     * @param epochs passes over the training rows
     * @param batch rows per step
     * @param learningRate Adam's step size
     * @param seed weights, batch order and the validation rows
     * @param validation share of the rows held out to stop early on: the weights of the epoch
     *     with the least validation loss are kept (0: fit on every row for every epoch)
     * @param zeroStart start the block's last layer (it must end in one with a weight and a bias)
     *     at zero, so that before any step it predicts the targets' mean; with early stopping that
     *     start is a candidate too, and a network that learns nothing the held-out rows confirm
     *     stays there
     */
    record Training(int epochs, int batch, float learningRate, long seed, double validation, boolean zeroStart) {

        Training(int epochs, int batch, float learningRate, long seed) {
            this(epochs, batch, learningRate, seed, 0, false);
        }
    }

    private final Block block;
    private final Inputs<E> inputs;
    private final NDManager manager;
    private final Standardizer target;

    private DjlRegressor(Block block, Inputs<E> inputs, NDManager manager, Standardizer target) {
        this.block = block;
        this.inputs = inputs;
        this.manager = manager;
        this.target = target;
    }

    Standardizer target() {
        return target;
    }

    static <E> DjlRegressor<E> fit(Block block, Inputs<E> inputs, List<E> x, double[] y, Standardizer target,
            Training t) {
        if (x.isEmpty()) {
            throw new IllegalArgumentException("no rows to fit");
        }
        NDManager keep = NDManager.newBaseManager();
        try (Model model = Model.newInstance("regressor")) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(new HalfSquaredError())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(t.learningRate())).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(inputs.shapes());
                SplittableRandom rng = new SplittableRandom(t.seed());
                SeededWeights.apply(block, SeededWeights.Scheme.GLOROT_MATRICES, rng);
                int[] all = new int[x.size()];
                Arrays.setAll(all, i -> i);
                int held = t.validation() > 0 && x.size() >= 20 ? (int) Math.ceil(t.validation() * x.size()) : 0;
                if (held > 0) {
                    Seeds.shuffle(all, new SplittableRandom(t.seed() ^ 0x5DEECE66DL));
                }
                int[] order = Arrays.copyOf(all, all.length - held);
                int[] validation = Arrays.copyOfRange(all, all.length - held, all.length);
                if (t.zeroStart()) {
                    ParameterList parameters = block.getParameters();
                    for (int i = parameters.size() - 2; i < parameters.size(); i++) {
                        parameters.valueAt(i).getArray().muli(0);
                    }
                }
                EarlyStop stop = held > 0 ? new EarlyStop(block, keep) : null;
                if (stop != null && t.zeroStart()) {
                    stop.epochEnded(validationLoss(trainer, inputs, x, y, target, validation));
                }
                for (int epoch = 0; epoch < t.epochs(); epoch++) {
                    Seeds.shuffle(order, rng);
                    for (int from = 0; from < order.length; from += t.batch()) {
                        step(trainer, inputs, x, y, target, order, from, Math.min(order.length, from + t.batch()));
                    }
                    if (stop != null) {
                        stop.epochEnded(validationLoss(trainer, inputs, x, y, target, validation));
                    }
                }
                if (stop != null) {
                    stop.restoreBest();
                }
                // The weights outlive the trainer and the model: move them to a manager of ours.
                for (Pair<String, Parameter> p : block.getParameters()) {
                    p.getValue().getArray().attach(keep);
                }
            }
        }
        return new DjlRegressor<>(block, inputs, keep, target);
    }

    private static <E> void step(Trainer trainer, Inputs<E> inputs, List<E> x, double[] y, Standardizer target,
            int[] order, int from, int to) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            List<E> examples = new ArrayList<>(to - from);
            float[] ys = new float[to - from];
            for (int i = from; i < to; i++) {
                examples.add(x.get(order[i]));
                ys[i - from] = target.forward(y[order[i]]);
            }
            NDList xb = inputs.batch(batch, examples);
            NDArray yb = batch.create(ys, new Shape(to - from, 1));
            try (GradientCollector gc = trainer.newGradientCollector()) {
                gc.backward(trainer.getLoss().evaluate(new NDList(yb), trainer.forward(xb)));
            }
            trainer.step();
        }
    }

    /** Squared error of the standardised target of each of {@code rows}, with gradient tracking off. */
    private static <E> double[] validationLoss(Trainer trainer, Inputs<E> inputs, List<E> x, double[] y,
            Standardizer target, int[] rows) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager batch = trainer.getManager().newSubManager()) {
            List<E> examples = new ArrayList<>(rows.length);
            float[] ys = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                examples.add(x.get(rows[i]));
                ys[i] = target.forward(y[rows[i]]);
            }
            float[] z = trainer.getModel().getBlock().forward(new ParameterStore(batch, false),
                    inputs.batch(batch, examples), false).singletonOrThrow().toFloatArray();
            double[] se = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                se[i] = (z[i] - ys[i]) * (double) (z[i] - ys[i]);
            }
            return se;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * Keeps a copy of the weights of the best epoch so far on the held-out rows. A later epoch
     * replaces it only when its loss is lower by more than one standard error of the per-row
     * difference: with a hundred noisy rows, a lower mean alone is often luck. (Two standard
     * errors and a held-out fifth, tried on the published device tables, gave up most of the
     * GNN's gains on the devices with structure and still tied rather than won elsewhere.)
     */
    private static final class EarlyStop {
        private final Block block;
        private final NDManager manager;
        private final List<NDArray> best = new ArrayList<>();
        private double[] bestErrors;

        EarlyStop(Block block, NDManager manager) {
            this.block = block;
            this.manager = manager;
        }

        void epochEnded(double[] errors) {
            if (bestErrors != null && !clearlyBetter(errors, bestErrors)) {
                return;
            }
            bestErrors = errors;
            best.forEach(NDArray::close);
            best.clear();
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray copy = p.getValue().getArray().duplicate();
                copy.attach(manager);
                best.add(copy);
            }
        }

        private static boolean clearlyBetter(double[] errors, double[] than) {
            SummaryStatistics gain = new SummaryStatistics();
            for (int i = 0; i < errors.length; i++) {
                gain.addValue(than[i] - errors[i]);
            }
            return gain.getMean() > gain.getStandardDeviation() / Math.sqrt(errors.length);
        }

        void restoreBest() {
            int i = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                best.get(i).copyTo(p.getValue().getArray());
                best.get(i++).close();
            }
        }
    }

    /** Predictions for {@code x}, with gradient tracking off. */
    double[] predict(List<E> x) {
        Engine.getEngine("PyTorch");
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager batch = manager.newSubManager()) {
            NDArray out = block.forward(new ParameterStore(batch, false), inputs.batch(batch, x), false)
                    .singletonOrThrow();
            float[] z = out.toFloatArray();
            double[] y = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                y[i] = target.inverse(z[i]);
            }
            return y;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * Predictions for an input batch already in the engine, in the caller's grad mode: a search
     * back-propagates through them into its own parameters.
     */
    NDArray forward(NDList input) {
        NDArray z = block.forward(new ParameterStore(input.head().getManager(), false), input, false).singletonOrThrow();
        return target.inverse(z.reshape(-1));
    }

    void saveWeights(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(WEIGHTS)))) {
            block.saveParameters(out);
        }
    }

    static <E> DjlRegressor<E> load(Path dir, Block block, Inputs<E> inputs, Standardizer target) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        block.initialize(manager, DataType.FLOAT32, inputs.shapes());
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve(WEIGHTS)))) {
            block.loadParameters(manager, in);
        } catch (ai.djl.MalformedModelException e) {
            throw new IOException("model files in " + dir + " are damaged: " + e.getMessage(), e);
        }
        return new DjlRegressor<>(block, inputs, manager, target);
    }

    /**
     * DJL's L2 loss, {@code mean((y − ŷ)² / 2)}, with the ½ as an array that outlives the backward
     * pass ({@link Scalars}): DJL's own multiplies by a scalar it frees before the gradient runs.
     */
    private static final class HalfSquaredError extends Loss {

        HalfSquaredError() {
            super("L2Loss");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray label = labels.singletonOrThrow();
            NDArray prediction = predictions.singletonOrThrow().reshape(label.getShape());
            return Scalars.times(label.sub(prediction).square(), 0.5).mean();
        }
    }
}
