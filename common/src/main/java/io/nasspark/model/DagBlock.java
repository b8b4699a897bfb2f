package io.nasspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A DAG cell as a DJL block (see {@link Layer.Dag}). Its topology is fixed once built, the one
 * case where DJL's guide prefers a block subclass over composition.
 */
final class DagBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int nodes;
    private final List<int[]> edges = new ArrayList<>();
    private final List<Block> ops = new ArrayList<>();

    DagBlock(int nodes) {
        super(VERSION);
        this.nodes = nodes;
    }

    /** Adds edge {@code from -> to} running {@code op}; edges must come in order of {@code to}. */
    void addEdge(int from, int to, Block op) {
        edges.add(new int[] {from, to});
        ops.add(addChildBlock("edge_" + to + "_" + from, op));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray[] values = new NDArray[nodes];
        values[0] = inputs.singletonOrThrow();
        for (int e = 0; e < edges.size(); e++) {
            int from = edges.get(e)[0];
            int to = edges.get(e)[1];
            NDArray out = ops.get(e)
                    .forward(parameterStore, new NDList(values[from]), training, params)
                    .singletonOrThrow();
            values[to] = values[to] == null ? out : values[to].add(out);
        }
        return new NDList(values[nodes - 1]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = new Shape[nodes];
        shapes[0] = inputShapes[0];
        for (int e = 0; e < edges.size(); e++) {
            int from = edges.get(e)[0];
            int to = edges.get(e)[1];
            shapes[to] = ops.get(e).getOutputShapes(new Shape[] {shapes[from]})[0];
        }
        return new Shape[] {shapes[nodes - 1]};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = new Shape[nodes];
        shapes[0] = inputShapes[0];
        for (int e = 0; e < edges.size(); e++) {
            int from = edges.get(e)[0];
            int to = edges.get(e)[1];
            Block op = ops.get(e);
            op.initialize(manager, dataType, shapes[from]);
            shapes[to] = op.getOutputShapes(new Shape[] {shapes[from]})[0];
        }
    }
}
