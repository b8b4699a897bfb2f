package io.nasspark.space.mbconv;

import io.nasspark.model.Layer;
import io.nasspark.space.ArchParseException;
import io.nasspark.space.Candidate;
import io.nasspark.space.GeneSpace;
import io.nasspark.space.GraphEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layer-wise MBConv space of Table 3.1 (SurgeNAS, LightNAS): 21 searchable layers after a
 * fixed MBK3E1, each one of MBConv k{3,5,7} x e{3,6} or skip, and optionally a channel scale per
 * layer from 0.5 to 2.0 in steps of 0.25 (LightNAS §4.3.5).
 *
 * <p>Genes 0..20 are the layer ops ({@link MbConvOp} order), genes 21..41 the scale indices
 * into {@link #SCALES}. A scale multiplies the layer's expanded (inner) width, so the layer's
 * interface and its residual stay as they are; a skip layer has no inner width, so its scale is
 * always 1.0. An instance built without scales keeps every scale at 1.0, and a candidate whose
 * scales are all 1.0 has the same encoding and id as one written without them.
 *
 * <p>A skip layer that changes shape (stride 2 or new channel count) cannot be an identity; it
 * becomes a 1x1 convolution with BatchNorm and ReLU6 at the layer's stride, as in FBNet.
 *
 * <p>A hybrid transformable space ({@link #hybrid}, Double-Win NAS) offers the six linear blocks
 * besides the seven standard operators ({@link MbConvOp#HYBRID}): its networks are deep to
 * train and become shallow when their linear blocks merge. Genes are operator ordinals in both
 * kinds of space, so a standard candidate keeps its encoding.
 */
public final class MbConvSpace extends GeneSpace {

    public static final int VERSION = 1;

    /** Channel scales; index 2 is 1.0. */
    public static final double[] SCALES = {0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0};

    private static final int UNIT_SCALE = 2;
    private static final Pattern TOKEN =
            Pattern.compile("(L?)MBK(\\d)E(\\d)(?:x(\\d+(?:\\.\\d+)?))?");

    private final String name;
    private final MbConvLayout layout;
    private final int layers;
    private final boolean withScales;
    /** The operators a layer chooses from; a gene is the operator's ordinal. */
    private final List<MbConvOp> operators;
    /** LightNets++: the operators every drawn candidate keeps, or null when they are searched. */
    private final MbConvOp[] fixedOps;

    /**
     * @param name the space's name in tables
     * @param layout the skeleton
     * @param withScales whether sampling and mutation also search the channel scales
     */
    public MbConvSpace(String name, MbConvLayout layout, boolean withScales) {
        this(name, layout, withScales, MbConvOp.STANDARD, null);
    }

    private MbConvSpace(String name, MbConvLayout layout, boolean withScales, List<MbConvOp> operators,
            MbConvOp[] fixedOps) {
        super(arities(layout.searchableLayers(), operators.size()),
                defaults(layout.searchableLayers()),
                searched(layout.searchableLayers(), withScales));
        this.name = name;
        this.layout = layout;
        this.layers = layout.searchableLayers();
        this.withScales = withScales;
        this.operators = List.copyOf(operators);
        this.fixedOps = fixedOps;
        for (int i = 0; i < operators.size(); i++) {
            if (operators.get(i).ordinal() != i) {
                throw new IllegalArgumentException("operators must be a prefix of MbConvOp in order: " + operators);
            }
        }
    }

    /**
     * LightNets++ (§4.3.5): the channel scales of this space around the operators of {@code found},
     * which every candidate drawn, mutated or crossed keeps. Candidates, ids and encodings are
     * those of this space with scales, so its latency predictors (fit with scales) apply.
     */
    public MbConvSpace channelsOf(Candidate found) {
        check(found);
        MbConvOp[] ops = new MbConvOp[layers];
        for (int l = 0; l < layers; l++) {
            ops[l] = op(found, l);
        }
        return new MbConvSpace(name, layout, true, operators, ops);
    }

    /** Suffix of a hybrid transformable space's name: {@code mbconv-mini-hybrid}. */
    public static final String HYBRID_SUFFIX = "-hybrid";

    /**
     * The hybrid transformable space on this one's layout (Double-Win NAS): every searchable
     * layer also offers the six linear blocks, named {@code <name>-hybrid}.
     */
    public MbConvSpace hybrid() {
        if (isHybrid()) {
            return this;
        }
        return new MbConvSpace(name + HYBRID_SUFFIX, layout, withScales, MbConvOp.HYBRID, fixedOps);
    }

    /** Whether the layers may choose linear blocks. */
    public boolean isHybrid() {
        return operators.size() > MbConvOp.STANDARD.size();
    }

    /** The operators a layer chooses from, in gene order. */
    public List<MbConvOp> operators() {
        return operators;
    }

    /** {@code mbconv}: Table 3.1 at 224 px, 1000 classes. */
    public static MbConvSpace imagenet(boolean withScales) {
        return new MbConvSpace("mbconv", MbConvLayout.IMAGENET, withScales);
    }

    /** {@code mbconv-small}: the same operators for 28-32 px inputs, 10 classes. */
    public static MbConvSpace small(boolean withScales) {
        return new MbConvSpace("mbconv-small", MbConvLayout.SMALL, withScales);
    }

    /** {@code mbconv-mini}: the same operators on {@link MbConvLayout#MINI}, 16 px, 10 classes. */
    public static MbConvSpace mini(boolean withScales) {
        return new MbConvSpace("mbconv-mini", MbConvLayout.MINI, withScales);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public int defaultInputSize() {
        return layout.inputSize();
    }

    @Override
    public int defaultClasses() {
        return layout.inputSize() >= 64 ? 1000 : 10;
    }

    /** Whether this instance searches channel scales. */
    public boolean withScales() {
        return withScales;
    }

    /** Number of searchable layers (21). */
    public int layers() {
        return layers;
    }

    /** The op of searchable layer {@code l}. */
    public MbConvOp op(Candidate c, int l) {
        return operators.get(c.gene(l));
    }

    /** The channel scale of searchable layer {@code l}. */
    public double scale(Candidate c, int l) {
        return SCALES[c.gene(layers + l)];
    }

    @Override
    protected Candidate normalize(int[] genes) {
        for (int l = 0; l < layers; l++) {
            if (fixedOps != null) {
                genes[l] = fixedOps[l].ordinal();
            }
            if (genes[l] == MbConvOp.SKIP.ordinal()) {
                genes[layers + l] = UNIT_SCALE;
            }
        }
        return new Candidate(name, genes);
    }

    private boolean scaled(Candidate c) {
        for (int l = 0; l < layers; l++) {
            if (c.gene(layers + l) != UNIT_SCALE) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String format(Candidate c) {
        check(c);
        boolean scaled = scaled(c);
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < layers; l++) {
            if (l > 0) {
                sb.append('-');
            }
            MbConvOp op = op(c, l);
            sb.append(op.token());
            if (scaled && !op.isSkip()) {
                sb.append('x').append(String.format(Locale.ROOT, "%.2f", scale(c, l)));
            }
        }
        return sb.toString();
    }

    @Override
    public Candidate parse(String arch) {
        String s = arch == null ? "" : arch.strip();
        String[] tokens = s.split("-", -1);
        if (tokens.length != layers) {
            throw new ArchParseException(name + ": expected " + layers
                    + " layer tokens separated by '-', got " + tokens.length + " in '" + arch + "'");
        }
        int[] genes = defaults(layers);
        for (int l = 0; l < layers; l++) {
            parseToken(tokens[l], l, genes);
        }
        return normalize(genes);
    }

    private void parseToken(String token, int l, int[] genes) {
        String where = name + ": token '" + token + "' (layer " + (l + 1) + ")";
        if (token.equals(MbConvOp.SKIP.token())) {
            genes[l] = MbConvOp.SKIP.ordinal();
            return;
        }
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) {
            throw new ArchParseException(where + " is not Skip or " + (isHybrid() ? "[L]" : "")
                    + "MBK<kernel>E<expansion>[x<scale>], e.g. MBK5E6x1.25");
        }
        boolean linear = !m.group(1).isEmpty();
        if (linear && !isHybrid()) {
            throw new ArchParseException(where + " is a linear block, which only the hybrid spaces offer ("
                    + name + HYBRID_SUFFIX + ")");
        }
        MbConvOp op;
        try {
            op = MbConvOp.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), linear);
        } catch (IllegalArgumentException e) {
            throw new ArchParseException(where + ": " + e.getMessage());
        }
        genes[l] = op.ordinal();
        if (m.group(4) != null) {
            double scale = Double.parseDouble(m.group(4));
            int index = scaleIndex(scale);
            if (index < 0) {
                throw new ArchParseException(
                        where + ": scale " + m.group(4) + " is not one of " + Arrays.toString(SCALES));
            }
            genes[layers + l] = index;
        }
    }

    private static int scaleIndex(double scale) {
        for (int i = 0; i < SCALES.length; i++) {
            if (Math.abs(SCALES[i] - scale) < 1e-9) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String encoding(Candidate c) {
        check(c);
        int[] g = c.genes();
        String ops = joinGenes(g, 0, layers);
        return scaled(c) ? ops + ";" + joinGenes(g, layers, 2 * layers) : ops;
    }

    /**
     * Equal for networks that compute the same function: inside a run of consecutive
     * shape-preserving layers a skip is an identity wherever it sits, so the key moves the
     * run's skips behind its other layers, keeping their order.
     */
    @Override
    public String isomorphismKey(Candidate c) {
        check(c);
        int[] g = c.genes();
        int[] key = g.clone();
        boolean[] preserving = shapePreserving();
        int l = 0;
        while (l < layers) {
            if (!preserving[l]) {
                l++;
                continue;
            }
            int end = l;
            while (end < layers && preserving[end]) {
                end++;
            }
            int next = l;
            for (int pass = 0; pass < 2; pass++) {
                for (int k = l; k < end; k++) {
                    boolean skip = g[k] == MbConvOp.SKIP.ordinal();
                    if (skip == (pass == 1)) {
                        key[next] = g[k];
                        key[layers + next] = g[layers + k];
                        next++;
                    }
                }
            }
            l = end;
        }
        return encoding(new Candidate(name, key));
    }

    /** Whether searchable layer l keeps its input's shape (stride 1, same channels). */
    private boolean[] shapePreserving() {
        boolean[] preserving = new boolean[layers];
        int in = layout.firstChannels();
        int l = 0;
        for (MbConvLayout.Stage stage : layout.stages()) {
            for (int r = 0; r < stage.repeat(); r++) {
                int stride = r == 0 ? stage.stride() : 1;
                preserving[l++] = stride == 1 && in == stage.channels();
                in = stage.channels();
            }
        }
        return preserving;
    }

    /**
     * A chain: node 0 the input, nodes 1..21 the searchable layers, node 22 the output.
     * Feature columns: input, output, the space's operators, then the layer's channel scale.
     */
    @Override
    public GraphEncoding graph(Candidate c) {
        check(c);
        int n = layers + 2;
        int ops = operators.size();
        int[][] adjacency = new int[n][n];
        float[][] features = new float[n][2 + ops + 1];
        features[0][0] = 1f;
        features[n - 1][1] = 1f;
        for (int node = 0; node < n - 1; node++) {
            adjacency[node][node + 1] = 1;
        }
        for (int l = 0; l < layers; l++) {
            features[l + 1][2 + c.gene(l)] = 1f;
            features[l + 1][2 + ops] = (float) scale(c, l);
        }
        return new GraphEncoding(adjacency, features);
    }

    @Override
    public Layer network(Candidate c, int inputSize, int classes) {
        return network(c, inputSize, classes, null);
    }

    /**
     * The network with some MBConv blocks grafted (thesis §5.3.1): a grafted block loses its
     * inner activations, so its convolutions can merge, and gains a ReLU6 at its end (§5.4.3,
     * Fig. 5.10: MobileNetV2's blocks end linearly, and without any activation two grafted
     * blocks in a row would be one linear map).
     *
     * @param keep per building block ({@link #graftableBlocks}), true to keep it non-linear;
     *     null keeps every block
     */
    public Layer network(Candidate c, int inputSize, int classes, boolean[] keep) {
        return network(c, classes, keep, Inner.LINEAR);
    }

    /**
     * The network hybrid transformable training trains (Double-Win NAS): every linear block
     * with a fading ReLU6 where its non-linear twin has one. Its parameters are, in order, those
     * of {@link #network(Candidate, int, int)}, and once the activations have faded to the
     * identity it computes what that network computes, so the trained values carry over to the
     * linear network and its merge.
     */
    public Layer fadingNetwork(Candidate c, int inputSize, int classes) {
        return network(c, classes, null, Inner.FADING);
    }

    private Layer network(Candidate c, int classes, boolean[] keep, Inner linearBlocks) {
        check(c);
        int blocks = graftableBlocks(c);
        if (keep != null && keep.length != blocks) {
            throw new IllegalArgumentException(name + ": " + blocks + " building blocks, " + keep.length
                    + " grafting bits given");
        }
        List<Layer> net = new ArrayList<>(stemLayers(grafted(keep, 0)));
        int block = 1;
        for (int l = 0; l < layers; l++) {
            MbConvOp op = op(c, l);
            Inner inner = op.isLinear() ? linearBlocks
                    : !op.isSkip() && grafted(keep, block) ? Inner.LINEAR : Inner.NONLINEAR;
            net.add(choice(l, op, scale(c, l), inner));
            block += op.isSkip() ? 0 : 1;
        }
        net.addAll(headLayers(classes));
        return new Layer.Sequence(net);
    }

    /** The fixed layers before the searchable ones: the stem and the MBK3E1 layer. */
    public List<Layer> stemLayers(boolean graftFirst) {
        return List.of(Layer.Conv.of(3, layout.stemChannels(), 3, layout.stemStride()),
                new Layer.BatchNorm(layout.stemChannels()), Layer.Activation.RELU6,
                mbconv(layout.stemChannels(), layout.firstChannels(), 3, 1, 1, 1.0, graftFirst));
    }

    /**
     * Searchable layer {@code l} as {@code op} at channel scale {@code scale}; a linear
     * operator is built as a grafted block whatever {@code grafted} says.
     */
    public Layer choice(int l, MbConvOp op, double scale, boolean grafted) {
        return choice(l, op, scale, grafted || op.isLinear() ? Inner.LINEAR : Inner.NONLINEAR);
    }

    /**
     * What sits between the convolutions of an MBConv block: ReLU6 (MobileNetV2's), nothing (a
     * grafted or linear block, with a ReLU6 after it), or a ReLU6 that hybrid transformable
     * training fades into the identity (the linear block's shape and parameters, non-linear
     * while it learns).
     */
    private enum Inner { NONLINEAR, LINEAR, FADING }

    private Layer choice(int l, MbConvOp op, double scale, Inner inner) {
        if (l < 0 || l >= layers) {
            throw new IllegalArgumentException(name + " has searchable layers 0.." + (layers - 1) + ", not " + l);
        }
        int in = layout.firstChannels();
        int first = 0;
        for (MbConvLayout.Stage stage : layout.stages()) {
            if (l < first + stage.repeat()) {
                int stride = l == first ? stage.stride() : 1;
                in = l == first ? in : stage.channels();
                return op.isSkip() ? skip(in, stage.channels(), stride)
                        : mbconv(in, stage.channels(), op.kernel(), op.expansion(), stride, scale, inner);
            }
            in = stage.channels();
            first += stage.repeat();
        }
        throw new AssertionError("layer " + l + " is in no stage");
    }

    /** The fixed layers after the searchable ones: 1x1 convolution, pooling, classifier. */
    public List<Layer> headLayers(int classes) {
        int in = layout.stages().get(layout.stages().size() - 1).channels();
        return List.of(Layer.Conv.of(in, layout.headChannels(), 1, 1), new Layer.BatchNorm(layout.headChannels()),
                Layer.Activation.RELU6, new Layer.GlobalAvgPool(), new Layer.Linear(layout.headChannels(), classes));
    }

    /** The candidate with {@code ops} in its searchable layers and every channel scale 1. */
    public Candidate withOps(MbConvOp[] ops) {
        if (ops.length != layers) {
            throw new IllegalArgumentException(name + " has " + layers + " searchable layers, " + ops.length
                    + " operators given");
        }
        int[] genes = defaults(layers);
        for (int l = 0; l < layers; l++) {
            if (!operators.contains(ops[l])) {
                throw new IllegalArgumentException(name + " does not offer " + ops[l].token());
            }
            genes[l] = ops[l].ordinal();
        }
        return normalize(genes);
    }

    private static boolean grafted(boolean[] keep, int block) {
        return keep != null && !keep[block];
    }

    /**
     * The building blocks that have inner activations to graft: the fixed MBK3E1 block, then
     * each searchable layer that is not a skip, in order.
     */
    public int graftableBlocks(Candidate c) {
        check(c);
        int blocks = 1;
        for (int l = 0; l < layers; l++) {
            blocks += op(c, l).isSkip() ? 0 : 1;
        }
        return blocks;
    }

    /** A name for each building block of {@link #graftableBlocks}, for messages and reports. */
    public List<String> blockNames(Candidate c) {
        return layerNames(c, true);
    }

    /** A name for each top-level layer of {@link #network}: stem, blocks, skip layers, head. */
    public List<String> layerNames(Candidate c) {
        return layerNames(c, false);
    }

    private List<String> layerNames(Candidate c, boolean blocksOnly) {
        check(c);
        List<String> names = new ArrayList<>();
        if (!blocksOnly) {
            names.addAll(List.of("stem convolution", "stem BatchNorm", "stem ReLU6"));
        }
        names.add("MBK3E1 " + layout.stemChannels() + "->" + layout.firstChannels() + " (fixed first layer)");
        int in = layout.firstChannels();
        int l = 0;
        for (MbConvLayout.Stage stage : layout.stages()) {
            for (int r = 0; r < stage.repeat(); r++) {
                MbConvOp op = op(c, l);
                int stride = r == 0 ? stage.stride() : 1;
                String shape = in + "->" + stage.channels() + (stride > 1 ? " stride " + stride : "")
                        + " (layer " + (l + 1) + ")";
                if (!op.isSkip()) {
                    names.add(op.token() + " " + shape);
                } else if (!blocksOnly) {
                    names.add("Skip " + shape);
                }
                in = stage.channels();
                l++;
            }
        }
        if (!blocksOnly) {
            names.addAll(List.of("head convolution", "head BatchNorm", "head ReLU6", "pooling", "classifier"));
        }
        return names;
    }

    /**
     * Inverted residual block of MobileNetV2: expand 1x1, depthwise KxK, project 1x1; grafted,
     * without the two inner ReLU6 and with one after the block.
     */
    static Layer mbconv(int in, int out, int kernel, int expansion, int stride, double scale, boolean grafted) {
        return mbconv(in, out, kernel, expansion, stride, scale, grafted ? Inner.LINEAR : Inner.NONLINEAR);
    }

    private static Layer mbconv(int in, int out, int kernel, int expansion, int stride, double scale, Inner inner) {
        int hidden = expansion == 1 ? in : Math.max(1, (int) Math.round(in * expansion * scale));
        List<Layer> body = new ArrayList<>();
        if (expansion != 1) {
            body.add(Layer.Conv.of(in, hidden, 1, 1));
            body.add(new Layer.BatchNorm(hidden));
            addInner(body, inner);
        }
        body.add(Layer.Conv.depthwise(hidden, kernel, stride));
        body.add(new Layer.BatchNorm(hidden));
        addInner(body, inner);
        body.add(Layer.Conv.of(hidden, out, 1, 1));
        body.add(new Layer.BatchNorm(out));
        Layer block = new Layer.Sequence(body);
        if (stride == 1 && in == out) {
            block = new Layer.Residual(block, new Layer.Identity());
        }
        return inner != Inner.NONLINEAR ? Layer.Sequence.of(block, Layer.Activation.RELU6) : block;
    }

    private static void addInner(List<Layer> body, Inner inner) {
        if (inner == Inner.NONLINEAR) {
            body.add(Layer.Activation.RELU6);
        } else if (inner == Inner.FADING) {
            body.add(Layer.Activation.FADING_RELU6);
        }
    }

    static Layer skip(int in, int out, int stride) {
        if (stride == 1 && in == out) {
            return new Layer.Identity();
        }
        return Layer.Sequence.of(
                Layer.Conv.of(in, out, 1, stride), new Layer.BatchNorm(out), Layer.Activation.RELU6);
    }

    private static int[] arities(int layers, int operators) {
        int[] a = new int[2 * layers];
        Arrays.fill(a, 0, layers, operators);
        Arrays.fill(a, layers, 2 * layers, SCALES.length);
        return a;
    }

    private static int[] defaults(int layers) {
        int[] d = new int[2 * layers];
        Arrays.fill(d, layers, 2 * layers, UNIT_SCALE);
        return d;
    }

    private static boolean[] searched(int layers, boolean withScales) {
        boolean[] s = new boolean[2 * layers];
        Arrays.fill(s, 0, layers, true);
        Arrays.fill(s, layers, 2 * layers, withScales);
        return s;
    }
}
