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
 * <p>Why not plain SGD: α's gradient from a proxy task's validation loss is small and noisy, so
 * under SGD α barely leaves zero and the argmax stays a coin toss the latency term flips in
 * bursts; Adam's normalised step moves every entry at about the rate per step whatever the
 * gradient's scale, so α becomes decisive within a search of a few hundred steps.
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

    /** Steps taken so far. */
    int steps() {
        return steps;
    }

    void save(DataOutputStream out) throws IOException {
        out.writeInt(steps);
        for (NDArray a : new NDArray[] {mean, square}) {
            for (float v : a.toFloatArray()) {
                out.writeFloat(v);
            }
        }
    }

    void load(DataInputStream in) throws IOException {
        steps = in.readInt();
        for (NDArray a : new NDArray[] {mean, square}) {
            float[] values = new float[Math.toIntExact(a.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            a.set(FloatBuffer.wrap(values));
        }
    }
}
