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
    /** The network's fading activations (hybrid transformable training), found once. */
    private final List<FadingReLU6> fading;
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
        this.fading = FadingReLU6.in(block);
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
        return epoch(data, (store, epoch, b, order, from, to) -> step(store, data, order, from, to));
    }

    /** One training step on the batch {@code order[from..to)}; returns its loss. */
    private interface BatchStep {
        float run(ParameterStore store, int epoch, int b, int[] order, int from, int to);
    }

    /**
     * One epoch of {@code step} over {@code data}'s first {@link TrainingRecipe#usedImages}
     * images in full batches, in the epoch's order, the fading activations on their schedule.
     */
    private float[] epoch(ImageBatches data, BatchStep step) {
        int epoch = ++epochsDone;
        int[] order = order(recipe.usedImages(data.size()), epoch);
        int batches = recipe.batchesPerEpoch(data.size());
        if (batches == 0) {
            throw new IllegalArgumentException(recipe.usedImages(data.size()) + " training images are fewer than one"
                    + " batch of " + recipe.batch());
        }
        float[] losses = new float[batches];
        ParameterStore store = new ParameterStore(manager, false);
        withThreadSettings(true, () -> {
            for (int b = 0; b < batches; b++) {
                fade(epoch, batches, b);
                losses[b] = step.run(store, epoch, b, order, b * recipe.batch(), (b + 1) * recipe.batch());
                if (!Float.isFinite(losses[b])) {
                    throw new DivergedException(epoch, b, losses[b]);
                }
            }
            return null;
        });
        return losses;
    }

    /**
     * One epoch of arbitrary-resolution elastic training (Double-Win NAS) with cross-resolution
     * distillation: every step runs the batch at the highest resolution against the labels and
     * at one lower resolution drawn per step (seeded) against the highest one's soft outputs,
     * and the summed loss trains the shared weights once. BatchNorm statistics are shared while
     * training and recalibrated per resolution before judging ({@link #recalibrateBatchNorm}).
     *
     * @param bySize the same images at each resolution of the range, ascending; the last teaches
     * @return the loss of every batch (labels' plus distillation's), in order
     */
    public float[] elasticEpoch(List<ImageBatches> bySize) {
        if (bySize.size() < 2) {
            throw new IllegalArgumentException("elastic training needs at least two resolutions, got " + bySize.size());
        }
        ImageBatches teacher = bySize.get(bySize.size() - 1);
        return epoch(teacher, (store, epoch, b, order, from, to) -> {
            SplittableRandom draw = new SplittableRandom(Seeds.mix(Seeds.mix(initSeed, epoch), b));
            ImageBatches student = bySize.get(draw.nextInt(bySize.size() - 1));
            return elasticStep(store, teacher, student, order, from, to);
        });
    }

    private float elasticStep(ParameterStore store, ImageBatches teacher, ImageBatches student, int[] order, int from,
            int to) {
        try (NDManager step = manager.newSubManager()) {
            NDArray high = block.forward(store, new NDList(teacher.images(step, order, from, to)), true)
                    .singletonOrThrow();
            NDArray labels = Scalars.dividedBy(high.logSoftmax(1).mul(teacher.oneHot(step, order, from, to)).sum(),
                    -(to - from));
            NDArray low = block.forward(store, new NDList(student.images(step, order, from, to)), true)
                    .singletonOrThrow();
            // the teacher's outputs are targets: no gradient flows back through them
            NDArray soft = high.stopGradient().softmax(1);
            NDArray distillation = Scalars.dividedBy(low.logSoftmax(1).mul(soft).sum(), -(to - from));
            return backwardAndUpdate(labels.add(distillation));
        }
    }

    /**
     * Re-estimates every BatchNorm's running statistics at {@code data}'s resolution, weights
     * untouched: {@code batches} forward passes in training mode without gradients (each moves
     * the statistics by DJL's momentum toward the batch's). A network trained at several
     * resolutions has statistics of their mix; judged at one, it wants that one's (US-Nets,
     * BigNAS do the same).
     */
    public void recalibrateBatchNorm(ImageBatches data, int batches) {
        int n = Math.min(recipe.batch(), data.size());
        int[] order = new int[data.size()];
        Arrays.setAll(order, i -> i);
        ParameterStore store = new ParameterStore(manager, false);
        withThreadSettings(false, () -> {
            for (int b = 0; b < batches; b++) {
                int from = (b * n) % (data.size() - n + 1);
                try (NDManager step = manager.newSubManager()) {
                    block.forward(store, new NDList(data.images(step, order, from, from + n)), true);
                }
            }
            return null;
        });
    }

    private float step(ParameterStore store, ImageBatches data, int[] order, int from, int to) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = data.images(step, order, from, to);
            NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
            NDArray loss = Scalars.dividedBy(logits.logSoftmax(1).mul(data.oneHot(step, order, from, to)).sum(), -(to - from));
            return backwardAndUpdate(loss);
        }
    }

    /** The loss's value; unless it is not finite, one backward pass and one optimizer step. */
    private float backwardAndUpdate(NDArray loss) {
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

    /** Before step {@code b} of {@code epoch}: the fading activations' linearity on their schedule. */
    private void fade(int epoch, int batches, int b) {
        if (fadeFraction > 0) {
            int done = (epoch - 1) * batches + b + 1;
            setLinearity(Math.min(1, done / (fadeFraction * recipe.epochs() * batches)));
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
        fading.forEach(f -> f.setLinearity(linearity));
        return fading.size();
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
