package io.nasspark.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@link Layer.BiasMap} in DJL: one {@code (1, C, H, W)} parameter added to the input. */
final class BiasMapBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Parameter map;

    BiasMapBlock(Layer.BiasMap layer) {
        super(VERSION);
        map = addParameter(Parameter.builder()
                .setName("bias_map")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(1, layer.channels(), layer.height(), layer.width()))
                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        var x = inputs.singletonOrThrow();
        return new NDList(x.add(parameterStore.getValue(map, x.getDevice(), training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        // the parameter's shape is fixed at construction
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }
}
