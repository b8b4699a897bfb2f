package io.nasspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of an initialised block's parameters as plain arrays, in the order
 * {@link Block#getParameters()} lists them (BatchNorm running statistics included): the form
 * {@code io.nasspark.compress.LinearMerge} reads and writes.
 */
public final class NetworkWeights {

    private NetworkWeights() {}

    /** Copies every parameter of {@code block} out. */
    public static List<float[]> read(Block block) {
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            values.add(p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    /** Sets every parameter of {@code block}; the sizes must match one to one. */
    public static void write(Block block, List<float[]> values) {
        var parameters = block.getParameters();
        if (parameters.size() != values.size()) {
            throw new IllegalArgumentException("the block has " + parameters.size()
                    + " parameters, " + values.size() + " values were given");
        }
        for (int i = 0; i < values.size(); i++) {
            Pair<String, Parameter> p = parameters.get(i);
            NDArray a = p.getValue().getArray();
            if (a.size() != values.get(i).length) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " has " + a.size()
                        + " values, " + values.get(i).length + " were given");
            }
            a.set(FloatBuffer.wrap(values.get(i)));
        }
    }
}
