package io.nasspark.compress;

import io.nasspark.model.CostModel;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Linear reparameterization (thesis §5.2 Observation 1, §5.3.5): a network with trained values
 * becomes a network with fewer layers and the same output.
 *
 * <ul>
 *   <li>Every BatchNorm folds into the convolution before it (one with no convolution before it
 *       becomes a depthwise 1x1 convolution).
 *   <li>Consecutive convolutions inside one building block, with nothing non-linear between them,
 *       merge into one (Eq. 5.8): a 1x1 and a KxK in either order become one KxK, so a
 *       1x1–3x3–1x1 block and an MBConv's expand–depthwise–project become one dense KxK.
 *       Depthwise and grouped convolutions merge like dense ones (the result is dense unless
 *       both had the same groups).
 *   <li>A residual whose body merged into one convolution folds into its kernel: an identity
 *       shortcut adds one to each channel's centre tap, a projection shortcut adds its kernel.
 * </ul>
 *
 * <p>A building block is one {@link Layer.Sequence}: runs do not cross into a neighbouring
 * block, because merging the projection of one block with the expansion of the next would
 * collapse the bottleneck between them and multiply the work. Two spatial kernels in a row are
 * not merged (the second zero-pads, so no single kernel is exact at the border); the merge keeps
 * them as they are and says where in {@link Result#refusals}.
 *
 * <p>Values are lists of arrays in the order DJL's {@code Block.getParameters()} lists them for
 * the block {@link DjlNetworkBuilder#build} makes; the merged network's values come back in the
 * same convention. The arithmetic runs in doubles.
 */
public final class LinearMerge {

    /**
     * Marks what was measured after merging: the suffix of a merged network's latency protocol
     * and accuracy recipe labels, beside the same candidate's unmerged rows.
     */
    public static final String MERGED_SUFFIX = "+merged";

    /** DJL BatchNorm's default epsilon, which {@link DjlNetworkBuilder} uses. */
    static final double BATCH_NORM_EPSILON = 1e-5;

    private LinearMerge() {}

    /**
     * The merged network.
     *
     * @param network the merged layer tree, for {@link DjlNetworkBuilder#build}
     * @param values its parameter values in DJL order
     * @param refusals where two linear layers in a row were kept apart, and why
     * @param linearBefore convolutions, BatchNorms and bias maps in the input
     * @param linearAfter the same in the merged network
     */
    public record Result(Layer network, List<float[]> values, List<Refusal> refusals,
            int linearBefore, int linearAfter) {}

    /**
     * Two linear layers in a row that stay apart.
     *
     * @param path where: {@code net}, then child indices and {@code body} / {@code shortcut}
     * @param layer the second layer, in words
     * @param reason why it cannot merge with the one before it
     */
    public record Refusal(String path, String layer, String reason) {
        @Override
        public String toString() {
            return path + " (" + layer + "): kept apart from the layer before it, " + reason;
        }
    }

    /**
     * The layers {@code network} becomes when merged, whatever its trained values: the shallow
     * network whose latency a deployment sees (the merge's shape does not depend on the values,
     * so seeded trained-like ones stand in for them).
     */
    public static Layer shallow(Layer network, FeatureShape input) {
        return merge(network, Equivalence.trainedLikeValues(network, input, new SplittableRandom(0)), input).network();
    }

    /** Merges {@code network}, whose values are {@code values}, for inputs of {@code input}. */
    public static Result merge(Layer network, List<float[]> values, FeatureShape input) {
        Walk walk = new Walk(values.iterator());
        Piece merged = walk.layer(network, input, "net");
        if (walk.values.hasNext()) {
            throw new IllegalArgumentException("more parameter values than the network has");
        }
        List<float[]> out = new ArrayList<>();
        Layer layer = merged.emit(out);
        return new Result(layer, out, List.copyOf(walk.refusals), linearLayers(network), linearLayers(layer));
    }

    /** Convolutions, BatchNorms and bias maps in {@code layer}. */
    public static int linearLayers(Layer layer) {
        if (layer instanceof Layer.Conv || layer instanceof Layer.BatchNorm || layer instanceof Layer.BiasMap) {
            return 1;
        } else if (layer instanceof Layer.Sequence s) {
            return s.layers().stream().mapToInt(LinearMerge::linearLayers).sum();
        } else if (layer instanceof Layer.Residual r) {
            return linearLayers(r.body()) + linearLayers(r.shortcut());
        } else if (layer instanceof Layer.Dag d) {
            return d.edges().stream().mapToInt(e -> linearLayers(e.op())).sum();
        }
        return 0;
    }

    /** A part of the merged network: a linear map still open to merging, or a finished layer. */
    private sealed interface Piece {
        FeatureShape output();

        /** The layer, appending its values to {@code values}. */
        Layer emit(List<float[]> values);
    }

    private record Linear(AffineConv conv) implements Piece {
        @Override
        public FeatureShape output() {
            return conv.output;
        }

        @Override
        public Layer emit(List<float[]> values) {
            Layer.Conv c = conv.conv();
            values.add(conv.weightValues());
            if (c.bias()) {
                values.add(conv.biasValues());
            }
            Layer.BiasMap map = conv.biasMap();
            if (map == null) {
                return c;
            }
            values.add(conv.mapValues());
            return Layer.Sequence.of(c, map);
        }
    }

    /** A layer kept as it is, with its own values. */
    private record Fixed(Layer layer, List<float[]> own, FeatureShape output) implements Piece {
        @Override
        public Layer emit(List<float[]> values) {
            values.addAll(own);
            return layer;
        }
    }

    private record Group(List<Piece> parts, FeatureShape output) implements Piece {
        @Override
        public Layer emit(List<float[]> values) {
            return new Layer.Sequence(parts.stream().map(p -> p.emit(values)).toList());
        }
    }

    private record Sum(Piece body, Piece shortcut, FeatureShape output) implements Piece {
        @Override
        public Layer emit(List<float[]> values) {
            Layer b = body.emit(values);
            return new Layer.Residual(b, shortcut == null ? new Layer.Identity() : shortcut.emit(values));
        }
    }

    private record Cell(int nodes, List<Integer> from, List<Integer> to, List<Piece> ops, FeatureShape output)
            implements Piece {
        @Override
        public Layer emit(List<float[]> values) {
            List<Layer.Edge> edges = new ArrayList<>();
            for (int e = 0; e < ops.size(); e++) {
                edges.add(new Layer.Edge(from.get(e), to.get(e), ops.get(e).emit(values)));
            }
            return new Layer.Dag(nodes, edges);
        }
    }

    private static final class Walk {
        final Iterator<float[]> values;
        final List<Refusal> refusals = new ArrayList<>();

        Walk(Iterator<float[]> values) {
            this.values = values;
        }

        private float[] next(Layer owner) {
            if (!values.hasNext()) {
                throw new IllegalArgumentException("parameter values run out at " + owner);
            }
            return values.next();
        }

        /** {@code layer} as one piece; an identity comes back as null. */
        Piece layer(Layer layer, FeatureShape in, String path) {
            if (layer instanceof Layer.Conv c) {
                float[] weight = next(c);
                return new Linear(AffineConv.of(c, weight, c.bias() ? next(c) : null, in));
            } else if (layer instanceof Layer.BatchNorm bn) {
                return new Linear(AffineConv.batchNorm(bn.channels(), batchNormValues(bn), in));
            } else if (layer instanceof Layer.Identity) {
                return null;
            } else if (layer instanceof Layer.Sequence s) {
                return sequence(s, in, path);
            } else if (layer instanceof Layer.Residual r) {
                return residual(r, in, path);
            } else if (layer instanceof Layer.Dag d) {
                return dag(d, in, path);
            }
            List<float[]> own = new ArrayList<>();
            if (layer instanceof Layer.Linear l) {
                own.add(next(l));
                own.add(next(l));
            } else if (layer instanceof Layer.BiasMap m) {
                own.add(next(m));
            }
            return new Fixed(layer, own, CostModel.outputShape(layer, in));
        }

        private float[][] batchNormValues(Layer.BatchNorm bn) {
            return new float[][] {next(bn), next(bn), next(bn), next(bn)};
        }

        /** A building block: its linear runs merge; a nested block stays a block of its own. */
        private Piece sequence(Layer.Sequence s, FeatureShape in, String path) {
            List<Piece> parts = new ArrayList<>();
            AffineConv run = null;
            FeatureShape shape = in;
            for (int i = 0; i < s.layers().size(); i++) {
                Layer inner = s.layers().get(i);
                String where = path + "/" + i;
                if (inner instanceof Layer.BatchNorm bn && run != null) {
                    run = run.foldBatchNorm(batchNormValues(bn), BATCH_NORM_EPSILON);
                    continue;
                }
                Piece piece = layer(inner, shape, where);
                if (piece == null) {
                    continue;
                }
                shape = piece.output();
                boolean linearHere = piece instanceof Linear && !(inner instanceof Layer.Sequence);
                if (!linearHere) {
                    run = flush(run, parts);
                    parts.add(piece);
                    continue;
                }
                AffineConv conv = ((Linear) piece).conv();
                if (run == null) {
                    run = conv;
                    continue;
                }
                String why = run.whyNotThen(conv);
                if (why == null) {
                    run = run.then(conv);
                } else {
                    refusals.add(new Refusal(where, describe(inner), why));
                    parts.add(new Linear(run));
                    run = conv;
                }
            }
            flush(run, parts);
            if (parts.size() == 1 && parts.get(0) instanceof Linear only) {
                return only;
            }
            return new Group(parts, shape);
        }

        private static AffineConv flush(AffineConv run, List<Piece> parts) {
            if (run != null) {
                parts.add(new Linear(run));
            }
            return null;
        }

        private Piece residual(Layer.Residual r, FeatureShape in, String path) {
            Piece body = layer(r.body(), in, path + "/body");
            Piece shortcut = layer(r.shortcut(), in, path + "/shortcut");
            FeatureShape out = body == null ? in : body.output();
            if (body instanceof Linear b && (shortcut == null || shortcut instanceof Linear)) {
                AffineConv s = shortcut == null ? null : ((Linear) shortcut).conv();
                String why = b.conv().whyNotPlus(s);
                if (why == null) {
                    return new Linear(b.conv().plus(s));
                }
                refusals.add(new Refusal(path, "residual", "the shortcut stays a branch: " + why));
            }
            Piece kept = body == null ? new Group(List.of(), in) : body;
            return new Sum(kept, shortcut, out);
        }

        private Piece dag(Layer.Dag d, FeatureShape in, String path) {
            List<Layer.Edge> edges = d.edges().stream().sorted(Comparator.comparingInt(Layer.Edge::to)).toList();
            FeatureShape[] shapes = new FeatureShape[d.nodes()];
            shapes[0] = in;
            List<Integer> from = new ArrayList<>();
            List<Integer> to = new ArrayList<>();
            List<Piece> ops = new ArrayList<>();
            for (Layer.Edge e : edges) {
                Piece op = layer(e.op(), shapes[e.from()], path + "/edge" + e.from() + e.to());
                shapes[e.to()] = op == null ? shapes[e.from()] : op.output();
                from.add(e.from());
                to.add(e.to());
                ops.add(op == null ? new Fixed(new Layer.Identity(), List.of(), shapes[e.from()]) : op);
            }
            return new Cell(d.nodes(), from, to, ops, shapes[d.nodes() - 1]);
        }

        private static String describe(Layer layer) {
            if (layer instanceof Layer.Conv c) {
                return (c.groups() == c.in() && c.groups() > 1 ? "depthwise " : "") + c.kernel() + "x"
                        + c.kernel() + " convolution " + c.in() + "->" + c.out();
            }
            return layer.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
