package io.nasspark.search.differentiable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;

/**
 * Adam on the architecture parameters α, as the thesis trains them (LightNAS: rate 1e-3, weight
 * decay 1e-3; SurgeNAS: 7.5e-4), with its moments kept so a checkpoint can carry them.
 *
 * <p>Adam's normalised step moves every entry at about the rate per step whatever the
 * gradient's scale, where SGD on a proxy's small, noisy gradient leaves α near zero. On the short
 * 16 px searches measured here neither made α decisive, and SGD ended nearer the target, so SGD
 * is the job's default (docs/differentiable-search.md).
 */
final class AlphaAdam {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    /** The thesis' weight decay of α, L2 added to the gradient as PyTorch's Adam does. */
    private static final float WEIGHT_DECAY = 1e-3f;

    private final NDArray mean;
    private final NDArray square;
    private int steps;

    AlphaAdam(NDManager manager, NDArray alpha) {
        mean = manager.zeros(alpha.getShape());
        square = manager.zeros(alpha.getShape());
    }

    /** One step of {@code alpha} along its gradient, outside the graph; the gradient is zeroed. */
    void step(NDArray alpha, double rate) {
        steps++;
        NDArray g = alpha.getGradient();
        NDArray decayed = g.add(alpha.mul(WEIGHT_DECAY));
        mean.muli(BETA1).addi(decayed.mul(1 - BETA1));
        square.muli(BETA2).addi(decayed.square().muli(1 - BETA2));
        double meanCorrection = 1 - Math.pow(BETA1, steps);
        double squareCorrection = 1 - Math.pow(BETA2, steps);
        NDArray update = mean.div(meanCorrection).div(square.div(squareCorrection).sqrt().add(EPSILON));
        alpha.subi(update.muli(rate));
        g.subi(g);
    }

    void save(DataOutputStream out) throws IOException {
        out.writeInt(steps);
        writeFloats(out, mean);
        writeFloats(out, square);
    }

    void load(DataInputStream in) throws IOException {
        steps = in.readInt();
        readFloats(in, mean);
        readFloats(in, square);
    }

    /** {@code a}'s values, in order, as big-endian floats: the checkpoint's binary arrays. */
    static void writeFloats(DataOutputStream out, NDArray a) throws IOException {
        for (float v : a.toFloatArray()) {
            out.writeFloat(v);
        }
    }

    /** Reads {@code a}'s size of floats written by {@link #writeFloats} into {@code a}. */
    static void readFloats(DataInputStream in, NDArray a) throws IOException {
        float[] values = new float[Math.toIntExact(a.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        a.set(FloatBuffer.wrap(values));
    }
}
