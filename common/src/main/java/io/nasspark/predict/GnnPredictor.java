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
 */
public final class GnnPredictor implements Predictor {

    /** Layer widths and training settings. */
    public record Settings(int[] graphLayers, int[] head, int epochs, int batch, float learningRate) {
        public static final Settings DEFAULT =
                new Settings(new int[] {128, 128, 128}, new int[] {64, 64}, 200, 64, 1e-3f);
    }

    private final DjlRegressor<GraphEncoding> model;
    private final Settings settings;
    private final int nodes;
    private final int features;

    private GnnPredictor(DjlRegressor<GraphEncoding> model, Settings settings, int nodes, int features) {
        this.model = model;
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
        DjlRegressor<GraphEncoding> model = DjlRegressor.fit(network(s), graphs(nodes, features), graphs, y,
                Standardizer.fit(y, logTarget), new DjlRegressor.Training(s.epochs(), s.batch(), s.learningRate(), seed));
        return new GnnPredictor(model, s, nodes, features);
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
        return model.predict(batch.stream().map(space::graph).toList());
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
        ModelFiles.putTarget(p, model.target());
        ModelFiles.write(dir, p);
    }

    static GnnPredictor load(Path dir, Properties p) throws IOException {
        Settings s = new Settings(widths(p.getProperty("graph_layers")), widths(p.getProperty("head")),
                Integer.parseInt(p.getProperty("epochs")), Integer.parseInt(p.getProperty("batch")),
                Float.parseFloat(p.getProperty("learning_rate")));
        int nodes = Integer.parseInt(p.getProperty("nodes"));
        int features = Integer.parseInt(p.getProperty("features"));
        return new GnnPredictor(DjlRegressor.load(dir, network(s), graphs(nodes, features), ModelFiles.target(p)),
                s, nodes, features);
    }

    private static int[] widths(String text) {
        return Arrays.stream(text.split("-")).mapToInt(Integer::parseInt).toArray();
    }
}
