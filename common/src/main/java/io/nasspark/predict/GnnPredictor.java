package io.nasspark.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.nasspark.space.Candidate;
import io.nasspark.space.GraphEncoding;
import io.nasspark.space.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * A graph network with attention over the adjacency and operator matrices (thesis §3.3.4): three
 * graph layers of 128, a mean over the nodes, then 64-64-1.
 *
 * <p>By default it learns what the lookup table leaves: the table (a cost per layer and
 * operator, fitted first) predicts, and the graph network adds the part that depends on how the
 * operators connect. Published device tables are noisy enough (see {@link MeasurementNoise}) that
 * a graph network fitted to the raw values on 900 cells learns some of the noise and ranks worse
 * than the table. Here it starts at a zero residual (its last layer zeroed: the table's own
 * prediction), fits the residual, and keeps the epoch a held-out tenth of the rows clearly
 * prefers, the start included: it adds to the table only what rows it did not fit on confirm.
 */
public final class GnnPredictor implements Predictor {

    /**
     * Layer widths and training settings.
     *
     * @param onLookupTable learn the residual of a lookup table fitted first (in the target's own
     *     units, no log), and predict their sum
     * @param validation share of the rows held out for early stopping (0: none)
     */
    public record Settings(int[] graphLayers, int[] head, int epochs, int batch, float learningRate,
            boolean onLookupTable, double validation) {
        public static final Settings DEFAULT =
                new Settings(new int[] {128, 128, 128}, new int[] {64, 64}, 200, 64, 1e-3f, true, 0.1);
    }

    private final DjlRegressor<GraphEncoding> model;
    private final LookupTablePredictor table;
    private final Settings settings;
    private final int nodes;
    private final int features;

    private GnnPredictor(DjlRegressor<GraphEncoding> model, LookupTablePredictor table, Settings settings, int nodes,
            int features) {
        this.model = model;
        this.table = table;
        this.settings = settings;
        this.nodes = nodes;
        this.features = features;
    }

    static Block network(Settings s) {
        SequentialBlock b = new SequentialBlock();
        for (int width : s.graphLayers()) {
            b.add(new GraphAttentionBlock(width));
        }
        b.add(new LambdaBlock(GnnPredictor::meanOverNodes, "mean_over_nodes"));
        for (int width : s.head()) {
            b.add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock());
        }
        return b.add(Linear.builder().setUnits(1).build());
    }

    private static NDList meanOverNodes(NDList in) {
        NDArray h = in.get(0);
        NDArray real = in.get(2).expandDims(2); // (B, N, 1)
        return new NDList(h.mul(real).sum(new int[] {1}).div(real.sum(new int[] {1})));
    }

    /** Pads graphs to {@code nodes} nodes: features, neighbourhood mask (both directions and self), node mask. */
    static DjlRegressor.Inputs<GraphEncoding> graphs(int nodes, int features) {
        return new DjlRegressor.Inputs<>() {
            @Override
            public NDList batch(NDManager manager, List<GraphEncoding> examples) {
                int b = examples.size();
                float[] h = new float[b * nodes * features];
                float[] m = new float[b * nodes * nodes];
                float[] real = new float[b * nodes];
                for (int g = 0; g < b; g++) {
                    GraphEncoding e = examples.get(g);
                    if (e.nodes() > nodes || e.features()[0].length != features) {
                        throw new IllegalArgumentException("model reads graphs of at most " + nodes + " nodes with "
                                + features + " features, got " + e.nodes() + " x " + e.features()[0].length);
                    }
                    for (int i = 0; i < e.nodes(); i++) {
                        System.arraycopy(e.features()[i], 0, h, (g * nodes + i) * features, features);
                        real[g * nodes + i] = 1;
                        m[(g * nodes + i) * nodes + i] = 1;
                        for (int j = 0; j < e.nodes(); j++) {
                            if (e.adjacency()[i][j] != 0) {
                                m[(g * nodes + i) * nodes + j] = 1;
                                m[(g * nodes + j) * nodes + i] = 1;
                            }
                        }
                    }
                }
                return new NDList(manager.create(h, new Shape(b, nodes, features)),
                        manager.create(m, new Shape(b, nodes, nodes)), manager.create(real, new Shape(b, nodes)));
            }

            @Override
            public Shape[] shapes() {
                return new Shape[] {new Shape(1, nodes, features), new Shape(1, nodes, nodes), new Shape(1, nodes)};
            }
        };
    }

    /** Fits the GNN to {@code y} over the candidates' graphs. */
    public static GnnPredictor fit(SearchSpace space, List<Candidate> x, double[] y, boolean logTarget,
            Settings s, long seed) {
        List<GraphEncoding> graphs = x.stream().map(space::graph).toList();
        int nodes = graphs.stream().mapToInt(GraphEncoding::nodes).max().orElseThrow();
        int features = graphs.get(0).features()[0].length;
        LookupTablePredictor table = s.onLookupTable() ? LookupTablePredictor.fit(space, x, y) : null;
        double[] fitTo = y;
        if (table != null) {
            double[] base = table.predict(space, x);
            fitTo = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                fitTo[i] = y[i] - base[i];
            }
        }
        DjlRegressor<GraphEncoding> model = DjlRegressor.fit(network(s), graphs(nodes, features), graphs, fitTo,
                Standardizer.fit(fitTo, logTarget && table == null),
                new DjlRegressor.Training(s.epochs(), s.batch(), s.learningRate(), seed, s.validation(), table != null));
        return new GnnPredictor(model, table, s, nodes, features);
    }

    @Override
    public String kind() {
        return "gnn";
    }

    @Override
    public String describe() {
        return "graph=" + join(settings.graphLayers()) + ",head=" + join(settings.head()) + ",epochs="
                + settings.epochs() + ",batch=" + settings.batch() + ",lr=" + settings.learningRate()
                + ",log_target=" + model.target().log();
    }

    private static String join(int[] widths) {
        return String.join("-", Arrays.stream(widths).mapToObj(Integer::toString).toList());
    }

    @Override
    public double[] predict(SearchSpace space, List<Candidate> batch) {
        double[] out = model.predict(batch.stream().map(space::graph).toList());
        if (table != null) {
            double[] base = table.predict(space, batch);
            for (int i = 0; i < out.length; i++) {
                out[i] += base[i];
            }
        }
        return out;
    }

    @Override
    public void save(Path dir) throws IOException {
        model.saveWeights(dir);
        Properties p = new Properties();
        p.setProperty("kind", kind());
        p.setProperty("nodes", Integer.toString(nodes));
        p.setProperty("features", Integer.toString(features));
        p.setProperty("graph_layers", join(settings.graphLayers()));
        p.setProperty("head", join(settings.head()));
        p.setProperty("epochs", Integer.toString(settings.epochs()));
        p.setProperty("batch", Integer.toString(settings.batch()));
        p.setProperty("learning_rate", Float.toString(settings.learningRate()));
        p.setProperty("validation", Double.toString(settings.validation()));
        ModelFiles.putTarget(p, model.target());
        if (table != null) {
            table.put(p, TABLE);
        }
        ModelFiles.write(dir, p);
    }

    /** Where the lookup table under the graph network is kept in the settings file. */
    private static final String TABLE = "lookup_table.";

    static GnnPredictor load(Path dir, Properties p) throws IOException {
        LookupTablePredictor table = LookupTablePredictor.get(p, TABLE);
        Settings s = new Settings(widths(p.getProperty("graph_layers")), widths(p.getProperty("head")),
                Integer.parseInt(p.getProperty("epochs")), Integer.parseInt(p.getProperty("batch")),
                Float.parseFloat(p.getProperty("learning_rate")), table != null,
                Double.parseDouble(p.getProperty("validation", "0")));
        int nodes = Integer.parseInt(p.getProperty("nodes"));
        int features = Integer.parseInt(p.getProperty("features"));
        return new GnnPredictor(DjlRegressor.load(dir, network(s), graphs(nodes, features), ModelFiles.target(p)),
                table, s, nodes, features);
    }

    private static int[] widths(String text) {
        return Arrays.stream(text.split("-")).mapToInt(Integer::parseInt).toArray();
    }
}
