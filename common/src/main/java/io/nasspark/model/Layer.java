package io.nasspark.model;

import java.util.List;

/**
 * A network as a tree of layers. It is the single description that both the cost model
 * ({@link CostModel}) and the DJL builder ({@link DjlNetworkBuilder}) read, so the analytic
 * counts and the built model cannot drift apart. Feature maps are NCHW; every convolution is
 * square, bias-free and padded to keep the size at stride 1 (the usual choice before a
 * BatchNorm).
 */
public sealed interface Layer {

    /** How many layers of {@code kind} the tree holds (a network's depth in convolutions, say). */
    static int count(Layer layer, Class<? extends Layer> kind) {
        if (kind.isInstance(layer)) {
            return 1;
        } else if (layer instanceof Sequence s) {
            return s.layers().stream().mapToInt(l -> count(l, kind)).sum();
        } else if (layer instanceof Residual r) {
            return count(r.body(), kind) + count(r.shortcut(), kind);
        } else if (layer instanceof Dag d) {
            return d.edges().stream().mapToInt(e -> count(e.op(), kind)).sum();
        }
        return 0;
    }

    /** K x K convolution, {@code groups == in} for depthwise. Padding is K / 2. */
    record Conv(int in, int out, int kernel, int stride, int groups, boolean bias) implements Layer {
        /** Without bias. */
        public Conv(int in, int out, int kernel, int stride, int groups) {
            this(in, out, kernel, stride, groups, false);
        }

        public Conv {
            if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || groups <= 0) {
                throw new IllegalArgumentException("conv sizes must be positive: " + this);
            }
            if (in % groups != 0 || out % groups != 0) {
                throw new IllegalArgumentException("conv groups must divide channels: " + this);
            }
        }

        public static Conv of(int in, int out, int kernel, int stride) {
            return new Conv(in, out, kernel, stride, 1);
        }

        public static Conv depthwise(int channels, int kernel, int stride) {
            return new Conv(channels, channels, kernel, stride, channels);
        }
    }

    /**
     * Adds a constant that depends on channel and position: the shift a merged convolution
     * needs when the layers it replaced zero-padded a biased input (see
     * {@code io.nasspark.compress.LinearMerge}). Built for one feature-map size.
     */
    record BiasMap(int channels, int height, int width) implements Layer {}

    /** Batch normalisation with a learned scale and shift per channel. */
    record BatchNorm(int channels) implements Layer {}

    /** An element-wise activation. */
    record Activation(Kind kind) implements Layer {
        /** The activation functions the spaces use. */
        public enum Kind {
            RELU,
            RELU6,
            /**
             * {@code (1 − t)·relu6(x) + t·x} with t set while the network trains
             * ({@link FadingReLU6}): hybrid transformable training's way from a non-linear block
             * to a linear one; the identity at t = 1.
             */
            FADING_RELU6
        }

        public static final Activation RELU = new Activation(Kind.RELU);
        public static final Activation RELU6 = new Activation(Kind.RELU6);
        public static final Activation FADING_RELU6 = new Activation(Kind.FADING_RELU6);
    }

    /** Average pooling; {@code countIncludePad == false} divides by the real window size. */
    record AvgPool(int kernel, int stride, int padding, boolean countIncludePad)
            implements Layer {}

    /** Global average pooling to one value per channel. */
    record GlobalAvgPool() implements Layer {}

    /** Fully connected layer with bias over the flattened channels. */
    record Linear(int in, int out) implements Layer {}

    /** Passes the input through. */
    record Identity() implements Layer {}

    /** Outputs zeros of the input's shape (the NAS-Bench-201 {@code none} edge). */
    record Zero() implements Layer {}

    /** Layers applied one after another. */
    record Sequence(List<Layer> layers) implements Layer {
        public Sequence {
            layers = List.copyOf(layers);
        }

        public static Sequence of(Layer... layers) {
            return new Sequence(List.of(layers));
        }
    }

    /** {@code body(x) + shortcut(x)}; the shortcut is {@link Identity} for a plain residual. */
    record Residual(Layer body, Layer shortcut) implements Layer {}

    /**
     * A cell as a DAG: node 0 is the input, node j is the sum of its incoming edges' outputs,
     * and the last node is the output. Edges go from a lower to a higher node.
     */
    record Dag(int nodes, List<Edge> edges) implements Layer {
        public Dag {
            edges = List.copyOf(edges);
            for (Edge e : edges) {
                if (e.from() < 0 || e.from() >= e.to() || e.to() >= nodes) {
                    throw new IllegalArgumentException("bad DAG edge " + e.from() + "->" + e.to());
                }
            }
            for (int j = 1; j < nodes; j++) {
                final int node = j;
                if (edges.stream().noneMatch(e -> e.to() == node)) {
                    throw new IllegalArgumentException("DAG node " + j + " has no incoming edge");
                }
            }
        }
    }

    /** One edge of a {@link Dag}: the op applied to node {@code from}, added into {@code to}. */
    record Edge(int from, int to, Layer op) {}
}
