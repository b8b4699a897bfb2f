package io.nasspark.space.nb201;

import io.nasspark.model.Layer;
import io.nasspark.space.ArchParseException;
import io.nasspark.space.Candidate;
import io.nasspark.space.GeneSpace;
import io.nasspark.space.GraphEncoding;
import java.util.ArrayList;
import java.util.List;

/**
 * The NAS-Bench-201 cell space: a cell of 4 nodes whose 6 edges each carry one of 5
 * operations, stacked into the benchmark's fixed network (stem, three stages of 5 cells at 16,
 * 32 and 64 channels joined by residual reduction blocks, then pooling and a classifier).
 *
 * <p>Genes are the edge ops in the order of the benchmark string
 * {@code |op~0|+|op~0|op~1|+|op~0|op~1|op~2|}: edges 1←0, 2←0, 2←1, 3←0, 3←1, 3←2.
 */
public final class Nb201Space extends GeneSpace {

    public static final String NAME = "nb201";
    public static final int VERSION = 1;
    public static final int EDGES = 6;

    /** Source node of each gene's edge. */
    private static final int[] FROM = {0, 0, 1, 0, 1, 2};
    /** Target node of each gene's edge. */
    private static final int[] TO = {1, 2, 2, 3, 3, 3};

    private static final int STEM_CHANNELS = 16;
    private static final int CELLS_PER_STAGE = 5;

    public Nb201Space() {
        super(filled(EDGES, Nb201Op.values().length));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public int defaultInputSize() {
        return 32;
    }

    @Override
    public int defaultClasses() {
        return 10;
    }

    /** The op on gene {@code i}'s edge. */
    public static Nb201Op op(Candidate c, int i) {
        return Nb201Op.values()[c.gene(i)];
    }

    @Override
    public String format(Candidate c) {
        check(c);
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < EDGES; i++) {
            if (i > 0 && TO[i] != TO[i - 1]) {
                sb.append("+|");
            }
            sb.append(op(c, i).token()).append('~').append(FROM[i]).append('|');
        }
        return sb.toString();
    }

    @Override
    public Candidate parse(String arch) {
        String s = arch == null ? "" : arch.strip();
        if (!s.startsWith("|") || !s.endsWith("|")) {
            throw new ArchParseException(
                    "nb201: '" + arch + "' is not of the form |op~0|+|op~0|op~1|+|op~0|op~1|op~2|");
        }
        String[] nodes = s.split("\\+", -1);
        if (nodes.length != 3) {
            throw new ArchParseException(
                    "nb201: expected 3 nodes separated by '+', got " + nodes.length + " in '" + arch + "'");
        }
        int[] genes = new int[EDGES];
        int gene = 0;
        for (int node = 1; node <= 3; node++) {
            String group = nodes[node - 1];
            if (group.length() < 2 || !group.startsWith("|") || !group.endsWith("|")) {
                throw new ArchParseException(
                        "nb201: node " + node + " '" + group + "' must be enclosed in '|'");
            }
            String[] tokens = group.substring(1, group.length() - 1).split("\\|", -1);
            if (tokens.length != node) {
                throw new ArchParseException(
                        "nb201: node " + node + " needs " + node + " inputs, got '" + group + "'");
            }
            for (int from = 0; from < node; from++) {
                genes[gene++] = parseEdge(tokens[from], from, node).ordinal();
            }
        }
        return normalize(genes);
    }

    private static Nb201Op parseEdge(String token, int from, int node) {
        int tilde = token.lastIndexOf('~');
        String context = "token '" + token + "' of node " + node;
        if (tilde < 0) {
            throw new ArchParseException("nb201: " + context + " has no '~input'");
        }
        String source = token.substring(tilde + 1);
        if (!source.equals(Integer.toString(from))) {
            throw new ArchParseException(
                    "nb201: " + context + " should read from node " + from + ", not '" + source + "'");
        }
        return Nb201Op.fromToken(token.substring(0, tilde), context);
    }

    @Override
    public String encoding(Candidate c) {
        check(c);
        return joinGenes(c.genes(), 0, EDGES);
    }

    /**
     * The benchmark's isomorphism convention: walk the nodes in order; an incoming edge is a
     * zero term when its op is none or its source's expression is exactly the zero marker;
     * skip_connect passes the source's expression through; any other op wraps it; a node is
     * the sorted sum of its terms, zero markers kept. 15,625 cells fall into 6,466 classes.
     */
    @Override
    public String isomorphismKey(Candidate c) {
        check(c);
        final String zero = "#";
        String[] node = new String[4];
        node[0] = "0";
        for (int j = 1; j <= 3; j++) {
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < EDGES; i++) {
                if (TO[i] != j) {
                    continue;
                }
                Nb201Op op = op(c, i);
                String source = node[FROM[i]];
                if (op == Nb201Op.NONE || source.equals(zero)) {
                    terms.add(zero);
                } else if (op == Nb201Op.SKIP_CONNECT) {
                    terms.add(source);
                } else {
                    terms.add("(" + source + ")@" + op.token());
                }
            }
            terms.sort(null);
            node[j] = String.join("+", terms);
        }
        return node[3];
    }

    /**
     * With no op on edge 2←1, nodes 1 and 2 are interchangeable: the twin swaps them (edges 1←0
     * and 2←0 trade ops, and so do 3←1 and 3←2). Both cells run the same ops on the same shapes,
     * a none included (it multiplies the other node's output by zero), so only noise tells their
     * latencies apart. A cell equal to its own swap has no twin.
     */
    @Override
    public Candidate costTwin(Candidate c) {
        check(c);
        if (op(c, 2) != Nb201Op.NONE) {
            return null;
        }
        int[] g = c.genes();
        g[0] = c.gene(1);
        g[1] = c.gene(0);
        g[4] = c.gene(5);
        g[5] = c.gene(4);
        return java.util.Arrays.equals(g, c.genes()) ? null : normalize(g);
    }

    /**
     * Op-on-node graph: node 0 is the input, nodes 1..6 the edges in gene order, node 7 the
     * output. Feature columns: input, output, then the five ops.
     */
    @Override
    public GraphEncoding graph(Candidate c) {
        check(c);
        int n = EDGES + 2;
        int output = n - 1;
        int[][] adjacency = new int[n][n];
        float[][] features = new float[n][2 + Nb201Op.values().length];
        features[0][0] = 1f;
        features[output][1] = 1f;
        for (int i = 0; i < EDGES; i++) {
            int self = i + 1;
            features[self][2 + c.gene(i)] = 1f;
            if (FROM[i] == 0) {
                adjacency[0][self] = 1;
            } else {
                for (int k = 0; k < EDGES; k++) {
                    if (TO[k] == FROM[i]) {
                        adjacency[k + 1][self] = 1;
                    }
                }
            }
            if (TO[i] == 3) {
                adjacency[self][output] = 1;
            }
        }
        return new GraphEncoding(adjacency, features);
    }

    @Override
    public Layer network(Candidate c, int inputSize, int classes) {
        check(c);
        List<Layer> layers = new ArrayList<>();
        int channels = STEM_CHANNELS;
        layers.add(Layer.Conv.of(3, channels, 3, 1));
        layers.add(new Layer.BatchNorm(channels));
        for (int stage = 0; stage < 3; stage++) {
            if (stage > 0) {
                layers.add(reduction(channels, channels * 2));
                channels *= 2;
            }
            for (int k = 0; k < CELLS_PER_STAGE; k++) {
                layers.add(cell(c, channels));
            }
        }
        layers.add(new Layer.BatchNorm(channels));
        layers.add(Layer.Activation.RELU);
        layers.add(new Layer.GlobalAvgPool());
        layers.add(new Layer.Linear(channels, classes));
        return new Layer.Sequence(layers);
    }

    private static Layer cell(Candidate c, int channels) {
        List<Layer.Edge> edges = new ArrayList<>();
        for (int i = 0; i < EDGES; i++) {
            edges.add(new Layer.Edge(FROM[i], TO[i], op(c, i).layer(channels)));
        }
        return new Layer.Dag(4, edges);
    }

    /** The benchmark's residual reduction block (ResNetBasicblock at stride 2). */
    private static Layer reduction(int in, int out) {
        Layer body = Layer.Sequence.of(
                Layer.Activation.RELU,
                Layer.Conv.of(in, out, 3, 2),
                new Layer.BatchNorm(out),
                Layer.Activation.RELU,
                Layer.Conv.of(out, out, 3, 1),
                new Layer.BatchNorm(out));
        Layer shortcut = Layer.Sequence.of(
                new Layer.AvgPool(2, 2, 0, true), Layer.Conv.of(in, out, 1, 1));
        return new Layer.Residual(body, shortcut);
    }
}
