package io.nasspark.compress;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.model.NetworkWeights;
import io.nasspark.model.SeededWeights;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Checks in DJL that a merged network computes what the network it came from computes. */
public final class Equivalence {

    /**
     * Largest output difference two equivalent networks may show, relative to the largest
     * output (at least 1): float32 rounding over a merged network's longer sums stays well below.
     */
    public static final double TOLERANCE = 1e-4;

    private Equivalence() {}

    /**
     * How far two networks' outputs are apart on one input batch.
     *
     * @param largestError the largest absolute difference of any output
     * @param largestOutput the largest absolute output of the first network, for scale
     */
    public record Gap(double largestError, double largestOutput) {
        /** {@code largestError / max(1, largestOutput)}. */
        public double relative() {
            return largestError / Math.max(1, largestOutput);
        }

        /** Whether the outputs agree within {@link #TOLERANCE} (never when either was NaN). */
        public boolean equivalent() {
            return relative() <= TOLERANCE;
        }

        /** Why two networks are judged different, in words for a failed row. */
        public String difference() {
            return String.format(Locale.ROOT, "the merged network does not compute what the original does:"
                    + " largest output error %.3g of outputs up to %.3g (relative %.3g, tolerance %.0e)",
                    largestError, largestOutput, relative(), TOLERANCE);
        }
    }

    /**
     * Values for every parameter of {@code network} as a trained network might have them
     * ({@link SeededWeights.Scheme#TRAINED_LIKE}): BatchNorms that are far from identities.
     */
    public static List<float[]> trainedLikeValues(Layer network, FeatureShape input, SplittableRandom rng) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = initialised(network, input, manager);
            SeededWeights.apply(block, SeededWeights.Scheme.TRAINED_LIKE, rng);
            return NetworkWeights.read(block);
        }
    }

    /** Runs both networks in inference mode on the same uniform [0, 1) batch. */
    public static Gap compare(Layer a, List<float[]> aValues, Layer b, List<float[]> bValues,
            FeatureShape input, int batch, SplittableRandom rng) {
        Engine.getEngine("PyTorch");
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] pixels = new float[Math.toIntExact(batch * input.elements())];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) rng.nextDouble();
            }
            Shape shape = new Shape(batch, input.channels(), input.height(), input.width());
            NDArray x = manager.create(FloatBuffer.wrap(pixels), shape);
            float[] ya = forward(a, aValues, x, manager);
            float[] yb = forward(b, bValues, x, manager);
            if (ya.length != yb.length) {
                throw new IllegalArgumentException("the networks' outputs differ in size: " + ya.length + " vs " + yb.length);
            }
            double error = 0;
            double largest = 0;
            for (int i = 0; i < ya.length; i++) {
                error = Math.max(error, Math.abs((double) ya[i] - yb[i]));
                largest = Math.max(largest, Math.abs(ya[i]));
            }
            return new Gap(error, largest);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static float[] forward(Layer network, List<float[]> values, NDArray x, NDManager manager) {
        Block block = initialised(network, new FeatureShape((int) x.getShape().get(1),
                (int) x.getShape().get(2), (int) x.getShape().get(3)), manager);
        NetworkWeights.write(block, values);
        return block.forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow().toFloatArray();
    }

    private static Block initialised(Layer network, FeatureShape input, NDManager manager) {
        Block block = DjlNetworkBuilder.build(network);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
        return block;
    }
}
