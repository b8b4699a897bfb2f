package io.nasspark.search.differentiable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.Layer;
import io.nasspark.model.Scalars;
import io.nasspark.space.Candidate;
import io.nasspark.space.mbconv.MbConvOp;
import io.nasspark.space.mbconv.MbConvSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A weight-sharing supernet over a layer-wise MBConv space: the fixed stem, every searchable
 * layer holding all its candidate operators (skip included), each with weights of its own that
 * every path through that operator shares, and the fixed head.
 *
 * <p>A step runs one single path ({@link #forward(ParameterStore, NDArray, NDArray, double,
 * boolean)}): per layer only the operator the path picks is computed, and its output is
 * multiplied by the path's entry (1 in the forward pass), so the loss's gradient reaches the
 * architecture parameters through the straight-through path. A step costs one sub-network's
 * training. The path's sub-network is the space's ordinary candidate ({@link #candidate}), and
 * its parameters ({@link #pathParameters}) are, in order, the standalone network's.
 *
 * <p>Channel scales stay at 1: the searches choose operators, and LightNets++ (§4.3.5) scales
 * the channels of a found network afterwards.
 */
public final class MbConvSupernet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final MbConvSpace space;
    private final Block stem;
    private final List<List<Block>> choices = new ArrayList<>();
    /** Whether layer l keeps its input's shape, so SurgeNAS's identity mapping can be added. */
    private final boolean[] shapePreserving;
    private final Block head;

    /** The supernet of {@code space} for {@code classes} outputs. */
    public MbConvSupernet(MbConvSpace space, int classes) {
        super(VERSION);
        this.space = space;
        stem = addChildBlock("stem", DjlNetworkBuilder.build(new Layer.Sequence(space.stemLayers(false))));
        shapePreserving = new boolean[space.layers()];
        for (int l = 0; l < space.layers(); l++) {
            List<Block> ops = new ArrayList<>();
            for (MbConvOp op : space.operators()) {
                Layer layer = space.choice(l, op, 1.0, false);
                ops.add(addChildBlock("layer" + l + "_" + op.token(), DjlNetworkBuilder.build(layer)));
            }
            shapePreserving[l] = space.choice(l, MbConvOp.SKIP, 1.0, false) instanceof Layer.Identity;
            choices.add(ops);
        }
        head = addChildBlock("head", DjlNetworkBuilder.build(new Layer.Sequence(space.headLayers(classes))));
    }

    /** The space searched. */
    public MbConvSpace space() {
        return space;
    }

    /** Searchable layers L: the rows of a path. */
    public int layers() {
        return space.layers();
    }

    /** Operators per layer K: the columns of a path. */
    public int operators() {
        return space.operators().size();
    }

    /**
     * The output of the single path {@code path} (L × K, one 1 per row) for {@code x}.
     *
     * @param identityWeight SurgeNAS's φ: {@code φ·x} is added beside the operator of every layer
     *     whose output has its input's shape (0 for LightNAS; other layers have no identity)
     */
    public NDArray forward(ParameterStore parameters, NDArray x, NDArray path, double identityWeight,
            boolean training) {
        return forward(parameters, x, path, identityWeight, training, false);
    }

    /**
     * The output of the single path {@code path} as {@link #forward}, but with the gradient of
     * every entry of the path, not only of the picked operators': the straight-through estimator
     * of Eq. 4.9 in full, for α's step.
     *
     * <p>A layer's output is {@code Σ_k P̄_k·o_k(x)}; at a one-hot P̄ its value is the picked
     * operator's output, and {@code ∂L/∂P̄_k = ⟨∂L/∂out, o_k(x)⟩} for every k. Running only the
     * picked operator gives that for the picked k alone, and there it is zero wherever the output
     * reaches the loss only through BatchNorm (every operator and the head begin with a convolution
     * and a BatchNorm, which undo any scale of their input): the gate is invisible unless a
     * residual carries it. So in an MBConv space the last layer of every stage — half the
     * searchable layers — would learn nothing from the loss and move only with the latency term.
     * Here the other operators run forward too, without a graph of their own: their entries are 0
     * in the forward pass, so their weights and the input get no gradient from them and the
     * result is exact. The price is |O| forward passes per layer instead of one; the backward pass
     * and its memory stay one path's.
     */
    public NDArray forwardEveryEntry(ParameterStore parameters, NDArray x, NDArray path, double identityWeight,
            boolean training) {
        return forward(parameters, x, path, identityWeight, training, true);
    }

    private NDArray forward(ParameterStore parameters, NDArray x, NDArray path, double identityWeight,
            boolean training, boolean everyEntry) {
        int[] picks = GumbelPaths.picks(path);
        NDArray h = stem.forward(parameters, new NDList(x), training).singletonOrThrow();
        for (int l = 0; l < picks.length; l++) {
            NDArray out = choices.get(l).get(picks[l]).forward(parameters, new NDList(h), training).singletonOrThrow();
            out = out.mul(path.get(l, picks[l]));
            if (everyEntry) {
                out = out.add(unpickedTerms(parameters, l, picks[l], h, path, training));
            }
            if (identityWeight != 0 && shapePreserving[l]) {
                out = out.add(Scalars.times(h, identityWeight));
            }
            h = out;
        }
        return head.forward(parameters, new NDList(h), training).singletonOrThrow();
    }

    /**
     * {@code Σ_{k≠pick} P̄_k·o_k(h)}: zero in value, with o_k(h) computed outside the graph, each
     * in a scope of its own that keeps only its output (its inner activations would otherwise
     * live until the caller's scope closes: a multi-path supernet's memory).
     */
    private NDArray unpickedTerms(ParameterStore parameters, int l, int pick, NDArray h, NDArray path,
            boolean training) {
        NDArray sum = null;
        for (int k = 0; k < operators(); k++) {
            if (k != pick) {
                NDArray term = outputOutsideTheGraph(parameters, choices.get(l).get(k), h, training).mul(path.get(l, k));
                sum = sum == null ? term : sum.add(term);
            }
        }
        return sum;
    }

    private static NDArray outputOutsideTheGraph(ParameterStore parameters, Block op, NDArray h, boolean training) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = op.forward(parameters, new NDList(h), training).singletonOrThrow();
            NDScope.unregister(out);
        } finally {
            JniUtils.setGradMode(grad);
        }
        NDScope.register(out); // the caller's scope frees it
        return out;
    }

    /**
     * The multi-path supernet's output (DARTS, Eq. 3.1): every operator of every layer runs and
     * the layer's output is their sum weighted by {@code weights} (L × K, softmax(α)), so memory
     * grows with |O|. The searches here never use it; it is the baseline of the thesis' memory
     * comparison (Table 4.1), measured by {@code nas bench-supernet-memory}.
     */
    public NDArray forwardAllPaths(ParameterStore parameters, NDArray x, NDArray weights, boolean training) {
        NDArray h = stem.forward(parameters, new NDList(x), training).singletonOrThrow();
        for (int l = 0; l < choices.size(); l++) {
            NDArray sum = null;
            for (int k = 0; k < choices.get(l).size(); k++) {
                NDArray out = choices.get(l).get(k).forward(parameters, new NDList(h), training).singletonOrThrow()
                        .mul(weights.get(l, k));
                sum = sum == null ? out : sum.add(out);
            }
            h = sum;
        }
        return head.forward(parameters, new NDList(h), training).singletonOrThrow();
    }

    /** The candidate of the space a path (or the strongest entries of α) picks, row by row. */
    public Candidate candidate(NDArray pathOrAlpha) {
        int[] picks = GumbelPaths.picks(pathOrAlpha);
        MbConvOp[] ops = new MbConvOp[picks.length];
        for (int l = 0; l < picks.length; l++) {
            ops[l] = space.operators().get(picks[l]);
        }
        return space.withOps(ops);
    }

    /** The sandwich rule's largest network: MBK7E6 in every layer. */
    public NDArray largestPath(NDManager manager) {
        return uniformPath(manager, MbConvOp.MBK7E6);
    }

    /** The sandwich rule's smallest network: skip in every layer. */
    public NDArray smallestPath(NDManager manager) {
        return uniformPath(manager, MbConvOp.SKIP);
    }

    private NDArray uniformPath(NDManager manager, MbConvOp op) {
        int[] picks = new int[layers()];
        Arrays.fill(picks, space.operators().indexOf(op));
        return path(manager, picks);
    }

    /** The one-hot path, {@code (layers, operators)}, that picks operator {@code picks[l]} in layer l. */
    public NDArray path(NDManager manager, int[] picks) {
        float[] path = new float[layers() * operators()];
        for (int l = 0; l < layers(); l++) {
            path[l * operators() + picks[l]] = 1f;
        }
        return manager.create(path, new Shape(layers(), operators()));
    }

    /** The parameters of the path's sub-network, in the order its standalone network lists them. */
    public List<Parameter> pathParameters(int[] picks) {
        List<Parameter> out = new ArrayList<>();
        stem.getParameters().forEach(p -> out.add(p.getValue()));
        for (int l = 0; l < picks.length; l++) {
            choices.get(l).get(picks[l]).getParameters().forEach(p -> out.add(p.getValue()));
        }
        head.getParameters().forEach(p -> out.add(p.getValue()));
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
            PairList<String, Object> params) {
        // inputs: the images and the path; no identity mapping (use the five-argument forward for it)
        return new NDList(forward(parameters, inputs.get(0), inputs.get(1), 0, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = stem.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        for (List<Block> ops : choices) {
            s = ops.get(0).getOutputShapes(new Shape[] {s})[0];
        }
        return head.getOutputShapes(new Shape[] {s});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        stem.initialize(manager, dataType, s);
        s = stem.getOutputShapes(new Shape[] {s})[0];
        for (List<Block> ops : choices) {
            for (Block op : ops) {
                op.initialize(manager, dataType, s);
            }
            s = ops.get(0).getOutputShapes(new Shape[] {s})[0];
        }
        head.initialize(manager, dataType, s);
    }
}
