package io.nasspark.model;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant that is safe under autograd.
 *
 * <p>DJL's PyTorch engine computes {@code x.mul(3)}, {@code x.div(n)}, {@code x.minimum(6)}
 * (so {@code Activation.relu6}) and their kin by wrapping the number in a scalar tensor over a
 * Java direct buffer, and closes that tensor as soon as the operation returns. The autograd graph
 * keeps the scalar for the backward pass, but its memory now belongs to nobody: after a garbage
 * collection it is freed and reused, and the backward pass reads whatever lies there. Gradients
 * then depend on when the JVM collected: wrong masks in ReLU6, wrong scales, NaN
 * (docs/cpu-correctness.md). Here the scalar is an array of the operand's manager, alive until
 * that manager closes, after the backward pass.
 */
public final class Scalars {

    private Scalars() {}

    /** {@code v} as a 0-d array of {@code like}'s manager and data type. */
    public static NDArray constant(NDArray like, double v) {
        NDArray c = like.getManager().create((float) v);
        return c.getDataType() == like.getDataType() ? c : c.toType(like.getDataType(), false);
    }

    /** {@code x · v}. */
    public static NDArray times(NDArray x, double v) {
        return x.mul(constant(x, v));
    }

    /** {@code x / v}. */
    public static NDArray dividedBy(NDArray x, double v) {
        return x.div(constant(x, v));
    }

    /**
     * {@code min(max(x, 0), 6)} in one clamp. DJL's {@code Activation.relu6} takes a ReLU and then
     * a minimum with 6, whose backward in libtorch also splits the gradient at ties: six passes
     * over the activation besides the ReLU's, a quarter of an MBConv network's training step
     * (docs/differentiable-search.md). The clamp's bounds are arrays of {@code x}'s manager, as
     * {@link #constant} makes them, so they outlive the backward pass.
     */
    public static NDArray relu6(NDArray x) {
        return x.clip(0f, 6f);
    }
}
