package io.nasspark.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.nasspark.model.FadingReLU6;
import io.nasspark.model.NetworkWeights;
import io.nasspark.model.Scalars;
import io.nasspark.model.SeededWeights;
import io.nasspark.util.Seeds;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Trains one image classifier reproducibly, with any number of others training at once in the
 * same JVM.
 *
 * <p>DJL's {@code GradientCollector} admits one collecting thread per JVM (a static flag) and its
 * {@code zeroGradients} walks every array of the engine, other tasks' included. libtorch's grad
 * mode, though, is per thread, so this trainer switches it on for its own thread only, calls the
 * engine's backward directly, and zeroes the gradients of its own parameters. Initial weights and
 * the batch order come from the recipe's seed mixed with the candidate's, never from the
 * engine's JVM-global generator.
 */
public final class ImageTrainer implements AutoCloseable {

    /** Top-1 and top-5 accuracy in percent over {@code images} test images. */
    public record Accuracy(double top1, double top5, int images) {}

    private final Block block;
    private final TrainingRecipe recipe;
    private final long initSeed;
    private final int threads;
    private final NDManager manager;
    private final List<Pair<String, Parameter>> trainable;
    private Optimizer optimizer;
    private int epochsDone;
    /** Share of the training steps over which fading activations go from ReLU6 to identity; 0: none. */
    private double fadeFraction;

    /**
     * @param block an uninitialised network for {@code data}'s images
     * @param initSeed seeds the weights and, with shuffling on, the batch order
     * @param threads intra-op threads of this task
     */
    public ImageTrainer(Block block, ImageBatches data, TrainingRecipe recipe, long initSeed, int threads) {
        this.block = block;
        this.recipe = recipe;
        this.initSeed = initSeed;
        this.threads = threads;
        Engine.getEngine("PyTorch");
        this.manager = NDManager.newBaseManager();
        withThreadSettings(false, () -> {
            block.initialize(manager, DataType.FLOAT32, data.inputShape());
            return null;
        });
        this.trainable = block.getParameters().stream().filter(p -> p.getValue().requiresGradient()).toList();
        resetWeights(data);
    }

    /** Back to the seeded initial weights, optimizer state and schedule. */
    public void resetWeights(ImageBatches data) {
        withThreadSettings(false, () -> {
            SeededWeights.apply(block, SeededWeights.Scheme.HE, new SplittableRandom(initSeed));
            return null;
        });
        int steps = recipe.steps(data.size());
        Tracker lr = recipe.schedule().equals("cosine") && steps > 1
                ? Tracker.cosine().setBaseValue(recipe.learningRate()).optFinalValue(0).setMaxUpdates(steps).build()
                : Tracker.fixed(recipe.learningRate());
        optimizer = recipe.optimizer().equals("sgd")
                ? Optimizer.sgd().setLearningRateTracker(lr).optMomentum(recipe.momentum())
                        .optWeightDecays(recipe.weightDecay()).build()
                : Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(recipe.weightDecay()).build();
        epochsDone = 0;
    }

    /**
     * One epoch over {@code data}'s first {@link TrainingRecipe#usedImages} images in full batches.
     *
     * @return the loss of every batch, in order
     * @throws DivergedException at the first loss that is not finite
     */
    public float[] epoch(ImageBatches data) {
        int epoch = ++epochsDone;
        int[] order = order(recipe.usedImages(data.size()), epoch);
        int batches = recipe.batchesPerEpoch(data.size());
        if (batches == 0) {
            throw new IllegalArgumentException(recipe.usedImages(data.size()) + " training images are fewer than one"
                    + " batch of " + recipe.batch());
        }
        float[] losses = new float[batches];
        ParameterStore store = new ParameterStore(manager, false);
        int totalSteps = recipe.steps(data.size());
        withThreadSettings(true, () -> {
            for (int b = 0; b < batches; b++) {
                if (fadeFraction > 0) {
                    int done = (epoch - 1) * batches + b + 1;
                    setLinearity(Math.min(1, done / (fadeFraction * totalSteps)));
                }
                losses[b] = step(store, data, order, b * recipe.batch(), (b + 1) * recipe.batch());
                if (!Float.isFinite(losses[b])) {
                    throw new DivergedException(epoch, b, losses[b]);
                }
            }
            return null;
        });
        return losses;
    }

    private float step(ParameterStore store, ImageBatches data, int[] order, int from, int to) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = data.images(step, order, from, to);
            NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
            NDArray loss = Scalars.dividedBy(logits.logSoftmax(1).mul(data.oneHot(step, order, from, to)).sum(), -(to - from));
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
                return value;
            }
            JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
            JniUtils.setGradMode(false);
            try {
                for (Pair<String, Parameter> p : trainable) {
                    NDArray weight = p.getValue().getArray();
                    try (NDArray grad = weight.getGradient()) {
                        optimizer.update(p.getValue().getId(), weight, grad);
                    }
                    JniUtils.zeroGrad((PtNDArray) weight);
                }
            } finally {
                JniUtils.setGradMode(true);
            }
            return value;
        }
    }

    /**
     * Hybrid transformable training (Double-Win NAS): the network's fading activations
     * ({@link FadingReLU6}) go linearly from ReLU6 to the identity over the first
     * {@code fraction} of the recipe's steps and stay the identity after, so the network ends
     * exactly linear where they sit.
     *
     * @param fraction in (0, 1]
     */
    public ImageTrainer fadeNonLinearity(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the fading must take a share in (0, 1] of the steps, got " + fraction);
        }
        this.fadeFraction = fraction;
        setLinearity(0);
        return this;
    }

    /** Sets every fading activation's linearity (0 a ReLU6, 1 the identity); returns how many there are. */
    public int setLinearity(double linearity) {
        return FadingReLU6.setAll(block, linearity);
    }

    /** Image order of an epoch: as stored, or a seeded shuffle per epoch. */
    private int[] order(int images, int epoch) {
        int[] order = new int[images];
        Arrays.setAll(order, i -> i);
        if (recipe.shuffle()) {
            Seeds.shuffle(order, new SplittableRandom(Seeds.mix(initSeed, epoch)));
        }
        return order;
    }

    /** Every parameter's current value, BatchNorm statistics included, in DJL's order. */
    public List<float[]> values() {
        return NetworkWeights.read(block);
    }

    /** Sets every parameter, as {@link #values()} lists them (say, a merged network's). */
    public void load(List<float[]> values) {
        NetworkWeights.write(block, values);
    }

    /** Top-1 and top-5 accuracy on {@code test}, in inference mode with gradients off. */
    public Accuracy evaluate(ImageBatches test) {
        int[] order = new int[test.size()];
        Arrays.setAll(order, i -> i);
        ParameterStore store = new ParameterStore(manager, false);
        int chunk = 256;
        long[] hits = new long[2];
        withThreadSettings(false, () -> {
            for (int from = 0; from < order.length; from += chunk) {
                int to = Math.min(order.length, from + chunk);
                try (NDManager step = manager.newSubManager()) {
                    float[] logits = block.forward(store, new NDList(test.images(step, order, from, to)), false)
                            .singletonOrThrow().toFloatArray();
                    for (int i = from; i < to; i++) {
                        int rank = rankOfTruth(logits, (i - from) * test.classes(), test.classes(), test.label(i));
                        hits[0] += rank == 0 ? 1 : 0;
                        hits[1] += rank < 5 ? 1 : 0;
                    }
                }
            }
            return null;
        });
        return new Accuracy(100.0 * hits[0] / order.length, 100.0 * hits[1] / order.length, order.length);
    }

    /** How many classes score strictly higher than the true one (0 = a top-1 hit). */
    static int rankOfTruth(float[] logits, int offset, int classes, int truth) {
        int above = 0;
        for (int k = 0; k < classes; k++) {
            if (logits[offset + k] > logits[offset + truth]) {
                above++;
            }
        }
        return above;
    }

    /**
     * The gradient of the summed outputs with respect to each input of the first batch, one row
     * per image: what the Jacobian-covariance proxy correlates. Leaves the network as seeded
     * (the pass moved BatchNorm statistics, so the weights are reset).
     */
    public float[][] inputJacobian(ImageBatches data) {
        int n = Math.min(recipe.batch(), data.size());
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        float[] flat = withThreadSettings(true, () -> {
            try (NDManager step = manager.newSubManager()) {
                NDArray x = data.images(step, order, 0, n);
                x.setRequiresGradient(true);
                NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                JniUtils.backward((PtNDArray) y, (PtNDArray) y.onesLike(), false, false);
                try (NDArray g = x.getGradient()) {
                    return g.toFloatArray();
                }
            }
        });
        resetWeights(data);
        for (Pair<String, Parameter> p : trainable) {
            JniUtils.zeroGrad((PtNDArray) p.getValue().getArray());
        }
        int per = flat.length / n;
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * per, (i + 1) * per);
        }
        return rows;
    }

    /** Runs {@code work} on this thread with the task's intra-op threads and the given grad mode. */
    private <T> T withThreadSettings(boolean grad, Supplier<T> work) {
        JniUtils.setNumThreads(threads);
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(grad);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
