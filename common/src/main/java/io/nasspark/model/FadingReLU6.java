package io.nasspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code (1 − t)·relu6(x) + t·x}: a ReLU6 that hybrid transformable training (Double-Win NAS)
 * fades into the identity as t goes from 0 to 1, so a block meant to become linear learns with
 * its non-linearity and ends without it. At t = 1 it returns its input itself, so the network
 * then computes exactly what its linear twin computes and merges without error. No parameters:
 * a network's values are the same with or without it.
 */
public final class FadingReLU6 extends AbstractBlock {

    private static final byte VERSION = 1;

    private volatile double linearity;

    /** Starts as a ReLU6 (t = 0). */
    public FadingReLU6() {
        super(VERSION);
    }

    /** t: 0 a ReLU6, 1 the identity. */
    public double linearity() {
        return linearity;
    }

    /** Sets t: 0 a ReLU6, 1 the identity. */
    public void setLinearity(double linearity) {
        if (linearity < 0 || linearity > 1) {
            throw new IllegalArgumentException("linearity must be in [0, 1], got " + linearity);
        }
        this.linearity = linearity;
    }

    /** Every fading activation under {@code root}, in the order DJL lists the blocks. */
    public static List<FadingReLU6> in(Block root) {
        List<FadingReLU6> found = new ArrayList<>();
        collect(root, found);
        return found;
    }

    private static void collect(Block block, List<FadingReLU6> into) {
        if (block instanceof FadingReLU6 f) {
            into.add(f);
        }
        block.getChildren().values().forEach(child -> collect(child, into));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        double t = linearity;
        if (t >= 1) {
            return new NDList(x);
        }
        NDArray relu6 = Scalars.relu6(x);
        // x + (1 − t)(relu6(x) − x): one pass less than blending both terms
        return new NDList(t <= 0 ? relu6 : x.add(Scalars.times(relu6.sub(x), 1 - t)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
