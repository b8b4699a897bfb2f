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

    private final EngineConvolutions.Config config;

    CheckedConv2d(Layer.Conv c) {
        super(Conv2d.builder()
                .setKernelShape(new Shape(c.kernel(), c.kernel()))
                .optStride(new Shape(c.stride(), c.stride()))
                .optPadding(new Shape(c.kernel() / 2, c.kernel() / 2))
                .optGroups(c.groups())
                .setFilters(c.out())
                .optBias(c.bias()));
        config = new EngineConvolutions.Config(c.in(), c.out(), c.kernel(), c.stride(), c.groups());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        NDArray w = parameterStore.getValue(weight, device, training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, device, training);
        EngineConvolutions.Config c = config.withInputGradient(x.hasGradient());
        return new NDList(EngineConvolutions.convolve(EngineConvolutions.route(c), c, x, w, b));
    }
}
