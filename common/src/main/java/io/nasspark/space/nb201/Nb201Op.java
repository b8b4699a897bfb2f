package io.nasspark.space.nb201;

import io.nasspark.model.Layer;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The five NAS-Bench-201 edge operations, in the benchmark's own order. */
public enum Nb201Op {
    NONE("none"),
    SKIP_CONNECT("skip_connect"),
    NOR_CONV_1X1("nor_conv_1x1"),
    NOR_CONV_3X3("nor_conv_3x3"),
    AVG_POOL_3X3("avg_pool_3x3");

    private final String token;

    Nb201Op(String token) {
        this.token = token;
    }

    /** The name used in benchmark strings. */
    public String token() {
        return token;
    }

    /** The op on a cell edge of {@code channels} channels, as the benchmark builds it. */
    Layer layer(int channels) {
        return switch (this) {
            case NONE -> new Layer.Zero();
            case SKIP_CONNECT -> new Layer.Identity();
            case NOR_CONV_1X1 -> reluConvBn(channels, 1);
            case NOR_CONV_3X3 -> reluConvBn(channels, 3);
            case AVG_POOL_3X3 -> new Layer.AvgPool(3, 1, 1, false);
        };
    }

    static Layer reluConvBn(int channels, int kernel) {
        return Layer.Sequence.of(
                Layer.Activation.RELU,
                Layer.Conv.of(channels, channels, kernel, 1),
                new Layer.BatchNorm(channels));
    }

    static Nb201Op fromToken(String token, String context) {
        for (Nb201Op op : values()) {
            if (op.token.equals(token)) {
                return op;
            }
        }
        throw new io.nasspark.space.ArchParseException(
                "nb201: unknown operation '" + token + "' in " + context + " (expected one of "
                        + Arrays.stream(values()).map(Nb201Op::token).collect(Collectors.joining(", "))
                        + ")");
    }
}
