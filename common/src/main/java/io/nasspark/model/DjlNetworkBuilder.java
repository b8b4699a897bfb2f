package io.nasspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import java.util.Comparator;
import java.util.List;

/** Turns a {@link Layer} tree into a DJL {@link Block} taking NCHW float32 input. */
public final class DjlNetworkBuilder {

    private DjlNetworkBuilder() {}

    /** The DJL block for {@code layer}; uninitialised, ready for {@code Model.setBlock}. */
    public static Block build(Layer layer) {
        if (layer instanceof Layer.Conv c) {
            return new CheckedConv2d(c);
        } else if (layer instanceof Layer.BatchNorm) {
            return BatchNorm.builder().build();
        } else if (layer instanceof Layer.BiasMap m) {
            return new BiasMapBlock(m);
        } else if (layer instanceof Layer.Activation a) {
            return switch (a.kind()) {
                case RELU6 -> LambdaBlock.singleton(Scalars::relu6, "ReLU6");
                case FADING_RELU6 -> new FadingReLU6();
                case RELU -> Activation.reluBlock();
            };
        } else if (layer instanceof Layer.AvgPool p) {
            return Pool.avgPool2dBlock(
                    new Shape(p.kernel(), p.kernel()),
                    new Shape(p.stride(), p.stride()),
                    new Shape(p.padding(), p.padding()),
                    false,
                    p.countIncludePad());
        } else if (layer instanceof Layer.GlobalAvgPool) {
            return LambdaBlock.singleton(DjlNetworkBuilder::globalAvgPool, "globalAvgPool");
        } else if (layer instanceof Layer.Linear l) {
            return new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(l.out()).build());
        } else if (layer instanceof Layer.Identity) {
            return Blocks.identityBlock();
        } else if (layer instanceof Layer.Zero) {
            return LambdaBlock.singleton(x -> x.zerosLike(), "zero");
        } else if (layer instanceof Layer.Sequence s) {
            SequentialBlock block = new SequentialBlock();
            s.layers().forEach(inner -> block.add(build(inner)));
            return block;
        } else if (layer instanceof Layer.Residual r) {
            return new ParallelBlock(
                    list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                    List.of(build(r.body()), build(r.shortcut())));
        } else if (layer instanceof Layer.Dag d) {
            DagBlock block = new DagBlock(d.nodes());
            d.edges().stream()
                    .sorted(Comparator.comparingInt(Layer.Edge::to))
                    .forEach(e -> block.addEdge(e.from(), e.to(), build(e.op())));
            return block;
        }
        throw new IllegalArgumentException("unknown layer " + layer);
    }

    /**
     * The mean over each channel's plane, as (N, C). An average pool whose window is the whole
     * plane, not DJL's adaptive pool: libtorch computes that as a mean, whose gradient is the
     * upstream one broadcast (stride 0), and the ReLU backward then meets a broadcast gradient
     * beside a channels-last activation, a layout its loops cannot fuse (8x slower at
     * 64x128x7x7). The pool's gradient comes out dense in the activation's layout.
     */
    private static NDArray globalAvgPool(NDArray x) {
        Shape plane = new Shape(x.getShape().get(2), x.getShape().get(3));
        return Pool.avgPool2d(x, plane, plane, new Shape(0, 0), false, true)
                .reshape(x.getShape().get(0), x.getShape().get(1));
    }

    /**
     * Engine operator calls in one forward pass of the block {@link #build} makes for
     * {@code layer}: what the harness's per-call cost multiplies.
     */
    public static int operatorCalls(Layer layer) {
        if (layer instanceof Layer.Identity) {
            return 0;
        } else if (layer instanceof Layer.Linear) {
            return 2; // flatten, then the affine map
        } else if (layer instanceof Layer.Sequence s) {
            return s.layers().stream().mapToInt(DjlNetworkBuilder::operatorCalls).sum();
        } else if (layer instanceof Layer.Residual r) {
            return operatorCalls(r.body()) + operatorCalls(r.shortcut()) + 1;
        } else if (layer instanceof Layer.Dag d) {
            int ops = d.edges().stream().mapToInt(e -> operatorCalls(e.op())).sum();
            int sums = d.edges().size() - (d.nodes() - 1); // one add per extra input of a node
            return ops + sums;
        }
        return 1;
    }

    /** Trainable parameters of an initialised block (BatchNorm running statistics excluded). */
    public static long trainableParameters(Block block) {
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                total += p.getValue().getArray().size();
            }
        }
        return total;
    }
}
