package io.nasspark.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts FLOPs, parameters and memory accesses of a {@link Layer} tree analytically, and checks
 * on the way that every shape fits (a residual's two branches, a DAG node's incoming edges).
 * Pooling, BatchNorm, activations and additions add no FLOPs or memory accesses: at inference
 * BatchNorm folds into the convolution and the rest are memory-bound element-wise work that
 * Eq. 3.18 leaves out too.
 */
public final class CostModel {

    private CostModel() {}

    /** The cost of {@code network} applied to one {@code input}-shaped sample. */
    public static Cost of(Layer network, FeatureShape input) {
        Counter counter = new Counter();
        FeatureShape out = counter.walk(network, input);
        return new Cost(counter.flops, counter.params, counter.memory, out);
    }

    /** The output shape alone. */
    public static FeatureShape outputShape(Layer network, FeatureShape input) {
        return of(network, input).output();
    }

    private static final class Counter {
        long flops;
        long params;
        long memory;

        FeatureShape walk(Layer layer, FeatureShape in) {
            // Java 17 has no pattern switch; the chain covers every permitted Layer.
            if (layer instanceof Layer.Conv c) {
                return conv(c, in);
            } else if (layer instanceof Layer.BatchNorm bn) {
                expectChannels(bn, bn.channels(), in);
                params += 2L * bn.channels();
                return in;
            } else if (layer instanceof Layer.BiasMap m) {
                if (!in.equals(new FeatureShape(m.channels(), m.height(), m.width()))) {
                    throw new IllegalArgumentException(m + " does not fit its input " + in);
                }
                params += in.elements();
                return in;
            } else if (layer instanceof Layer.Activation
                    || layer instanceof Layer.Identity
                    || layer instanceof Layer.Zero) {
                return in;
            } else if (layer instanceof Layer.AvgPool p) {
                int h = spatial(in.height(), p.kernel(), p.stride(), p.padding());
                int w = spatial(in.width(), p.kernel(), p.stride(), p.padding());
                return new FeatureShape(in.channels(), h, w);
            } else if (layer instanceof Layer.GlobalAvgPool) {
                return new FeatureShape(in.channels(), 1, 1);
            } else if (layer instanceof Layer.Linear l) {
                return linear(l, in);
            } else if (layer instanceof Layer.Sequence s) {
                FeatureShape shape = in;
                for (Layer inner : s.layers()) {
                    shape = walk(inner, shape);
                }
                return shape;
            } else if (layer instanceof Layer.Residual r) {
                FeatureShape body = walk(r.body(), in);
                FeatureShape shortcut = walk(r.shortcut(), in);
                expectSame("residual branches", body, shortcut);
                return body;
            } else if (layer instanceof Layer.Dag d) {
                return dag(d, in);
            }
            throw new IllegalArgumentException("unknown layer " + layer);
        }

        private FeatureShape conv(Layer.Conv c, FeatureShape in) {
            expectChannels(c, c.in(), in);
            int pad = c.kernel() / 2;
            FeatureShape out = new FeatureShape(
                    c.out(),
                    spatial(in.height(), c.kernel(), c.stride(), pad),
                    spatial(in.width(), c.kernel(), c.stride(), pad));
            long weights = (long) (c.in() / c.groups()) * c.out() * c.kernel() * c.kernel();
            params += weights + (c.bias() ? c.out() : 0);
            flops += out.pixels() * weights;
            memory += in.elements() + out.elements() + weights;
            return out;
        }

        private FeatureShape linear(Layer.Linear l, FeatureShape in) {
            if (in.elements() != l.in()) {
                throw new IllegalArgumentException(
                        "linear layer expects " + l.in() + " inputs, got " + in);
            }
            long weights = (long) l.in() * l.out();
            params += weights + l.out();
            flops += weights;
            memory += l.in() + l.out() + weights;
            return new FeatureShape(l.out(), 1, 1);
        }

        private FeatureShape dag(Layer.Dag d, FeatureShape in) {
            List<FeatureShape> nodes = new ArrayList<>();
            nodes.add(in);
            for (int j = 1; j < d.nodes(); j++) {
                FeatureShape node = null;
                for (Layer.Edge e : d.edges()) {
                    if (e.to() != j) {
                        continue;
                    }
                    FeatureShape out = walk(e.op(), nodes.get(e.from()));
                    if (node != null) {
                        expectSame("DAG node " + j, node, out);
                    }
                    node = out;
                }
                nodes.add(node);
            }
            return nodes.get(d.nodes() - 1);
        }

        private static int spatial(int size, int kernel, int stride, int pad) {
            int out = (size + 2 * pad - kernel) / stride + 1;
            if (out <= 0) {
                throw new IllegalArgumentException(
                        "input of " + size + " px is too small for kernel " + kernel
                                + " at stride " + stride);
            }
            return out;
        }

        private static void expectChannels(Layer layer, int expected, FeatureShape in) {
            if (in.channels() != expected) {
                throw new IllegalArgumentException(
                        layer + " expects " + expected + " channels, got " + in);
            }
        }

        private static void expectSame(String where, FeatureShape a, FeatureShape b) {
            if (!a.equals(b)) {
                throw new IllegalArgumentException(where + " disagree on shape: " + a + " vs " + b);
            }
        }
    }
}
