package io.nasspark.search.differentiable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.nasspark.model.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Single paths through a layer-wise supernet drawn from architecture parameters α of shape
 * (L layers, K operators).
 *
 * <p>One path (LightNAS Eq. 4.7–4.9): {@code P̂ = softmax((α + G) / τ)} per layer with Gumbel
 * noise G, then {@code P̄} = one-hot of each row's largest entry. The forward pass uses P̄, so a
 * step runs one operator per layer; the backward pass takes P̂'s gradient (straight-through), so
 * α learns from the path it drew. The noise comes from a Java {@link SplittableRandom}, not the
 * engine's generator, so a search with the same seed draws the same paths on any machine.
 *
 * <p>α enters the softmax as logits: the thesis writes {@code log P} (Eq. 3.9), and with
 * {@code P = softmax(α)}, {@code log P} and α differ by a constant per row, which the softmax
 * ignores. Eq. 4.7 writes P itself; read literally, the noise would swamp probabilities in [0, 1]
 * and the paths stay broad however confident α gets. Measured both ways, it landed LightNAS no
 * nearer its targets (docs/differentiable-search.md), so the logits serve both searches.
 */
public final class GumbelPaths {

    /** Added to the logits of operators a row may no longer draw: exp of it is exactly 0 in float. */
    private static final float EXCLUDED = -1e9f;

    private GumbelPaths() {}

    /** Gumbel(0, 1) noise {@code -log(-log U)} of {@code shape}, from {@code rng}. */
    public static NDArray gumbel(NDManager manager, Shape shape, SplittableRandom rng) {
        float[] noise = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < noise.length; i++) {
            double u = rng.nextDouble();
            noise[i] = (float) -Math.log(-Math.log(u == 0 ? Double.MIN_NORMAL : u));
        }
        return manager.create(noise, shape);
    }

    /** {@code softmax((logits + noise) / τ)} over the operators (the last axis). */
    public static NDArray relaxed(NDArray logits, NDArray noise, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("the temperature must be positive, got " + temperature);
        }
        return Scalars.dividedBy(logits.add(noise), temperature).softmax(-1);
    }

    /**
     * Each row's largest entry as 1, the rest 0, in the forward pass; the gradient of
     * {@code relaxed} in the backward pass.
     */
    public static NDArray straightThrough(NDArray relaxed) {
        NDArray hard = oneHot(relaxed);
        return hard.sub(relaxed.stopGradient()).add(relaxed);
    }

    /** One single path: the binarized, straight-through {@code P̄} for {@code alpha}. */
    public static NDArray singlePath(NDArray alpha, double temperature, SplittableRandom rng) {
        return straightThrough(relaxed(alpha, gumbel(alpha.getManager(), alpha.getShape(), rng), temperature));
    }

    /**
     * SurgeNAS's ordered sampling (Algorithm 1, Eq. 3.8–3.12): K single paths drawn one after
     * another without replacement, each from the distribution renormalised over the operators
     * the earlier paths left, so every operator of every layer runs exactly once per iteration.
     */
    public static List<NDArray> orderedPaths(NDArray alpha, double temperature, SplittableRandom rng) {
        int operators = Math.toIntExact(alpha.getShape().get(alpha.getShape().dimension() - 1));
        NDManager manager = alpha.getManager();
        NDArray excluded = manager.zeros(alpha.getShape(), DataType.FLOAT32);
        List<NDArray> paths = new ArrayList<>(operators);
        for (int i = 0; i < operators; i++) {
            NDArray logits = alpha.add(excluded.mul(EXCLUDED));
            NDArray path = straightThrough(relaxed(logits, gumbel(manager, alpha.getShape(), rng), temperature));
            paths.add(path);
            excluded = excluded.add(path.stopGradient());
        }
        return paths;
    }

    /** The operator each layer's row of a binarized path picks. */
    public static int[] picks(NDArray path) {
        long[] argmax = path.argMax(-1).toLongArray();
        int[] picks = new int[argmax.length];
        for (int i = 0; i < picks.length; i++) {
            picks[i] = Math.toIntExact(argmax[i]);
        }
        return picks;
    }

    /** The one-hot rows of each row's argmax: a path's or α's hard choice per layer. */
    static NDArray oneHot(NDArray rows) {
        int operators = Math.toIntExact(rows.getShape().get(rows.getShape().dimension() - 1));
        return rows.argMax(-1).oneHot(operators).toType(rows.getDataType(), false);
    }
}
