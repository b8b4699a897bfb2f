package io.nasspark.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DJL's {@link Conv2d}, with the same parameters, computed by the route
 * {@link EngineConvolutions} found right for its configuration on this machine.
 */
final class CheckedConv2d extends Conv2d {

    private final Layer.Conv layer;

    CheckedConv2d(Layer.Conv c) {
        super(Conv2d.builder()
                .setKernelShape(new Shape(c.kernel(), c.kernel()))
                .optStride(new Shape(c.stride(), c.stride()))
                .optPadding(new Shape(c.kernel() / 2, c.kernel() / 2))
                .optGroups(c.groups())
                .setFilters(c.out())
                .optBias(c.bias()));
        layer = c;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        NDArray w = parameterStore.getValue(weight, device, training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, device, training);
        // the input's channels, not the layer's: a stem declared for RGB also reads grey images
        EngineConvolutions.Config c = new EngineConvolutions.Config(Math.toIntExact(x.getShape().get(1)), layer.out(),
                layer.kernel(), layer.stride(), layer.groups(), x.hasGradient());
        return new NDList(EngineConvolutions.convolve(EngineConvolutions.route(c), c, x, w, b));
    }
}
