package io.nasspark.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** An MLP over the flattened one-hot encoding, 128-64-1 by default (thesis §4.3.2). */
public final class MlpPredictor implements Predictor, DifferentiablePredictor {

    /** Hidden widths and training settings. */
    public record Settings(int[] hidden, int epochs, int batch, float learningRate) {
        public static final Settings DEFAULT = new Settings(new int[] {128, 64}, 300, 64, 1e-3f);
    }

    private final DjlRegressor<float[]> model;
    private final Settings settings;
    private final int inputs;

    private MlpPredictor(DjlRegressor<float[]> model, Settings settings, int inputs) {
        this.model = model;
        this.settings = settings;
        this.inputs = inputs;
    }

    static Block network(int[] hidden) {
        SequentialBlock b = new SequentialBlock();
        for (int width : hidden) {
            b.add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock());
        }
        return b.add(Linear.builder().setUnits(1).build());
    }

    static DjlRegressor.Inputs<float[]> rows(int width) {
        return new DjlRegressor.Inputs<>() {
            @Override
            public NDList batch(NDManager manager, List<float[]> examples) {
                float[] flat = new float[examples.size() * width];
                for (int i = 0; i < examples.size(); i++) {
                    float[] x = examples.get(i);
                    if (x.length != width) {
                        throw new IllegalArgumentException("model reads " + width + " features, got " + x.length);
                    }
                    System.arraycopy(x, 0, flat, i * width, width);
                }
                return new NDList(manager.create(flat, new Shape(examples.size(), width)));
            }

            @Override
            public Shape[] shapes() {
                return new Shape[] {new Shape(1, width)};
            }
        };
    }

    /** Fits the MLP to {@code y} over the candidates' one-hot encodings. */
    public static MlpPredictor fit(SearchSpace space, List<Candidate> x, double[] y, boolean logTarget,
            Settings s, long seed) {
        List<float[]> features = x.stream().map(space::oneHot).toList();
        int width = features.get(0).length;
        DjlRegressor<float[]> model = DjlRegressor.fit(network(s.hidden()), rows(width), features, y,
                Standardizer.fit(y, logTarget), new DjlRegressor.Training(s.epochs(), s.batch(), s.learningRate(), seed));
        return new MlpPredictor(model, s, width);
    }

    @Override
    public String kind() {
        return "mlp";
    }

    @Override
    public String describe() {
        return "hidden=" + String.join("-", Arrays.stream(settings.hidden()).mapToObj(Integer::toString).toList())
                + ",epochs=" + settings.epochs() + ",batch=" + settings.batch() + ",lr=" + settings.learningRate()
                + ",log_target=" + model.target().log();
    }

    @Override
    public double[] predict(SearchSpace space, List<Candidate> batch) {
        return model.predict(batch.stream().map(space::oneHot).toList());
    }

    @Override
    public NDArray predict(NDArray oneHot) {
        if (oneHot.getShape().dimension() != 2 || oneHot.getShape().get(1) != inputs) {
            throw new IllegalArgumentException("model reads (batch, " + inputs + ") one-hot rows, got " + oneHot.getShape());
        }
        return model.forward(new NDList(oneHot));
    }

    @Override
    public void save(Path dir) throws IOException {
        model.saveWeights(dir);
        Properties p = new Properties();
        p.setProperty("kind", kind());
        p.setProperty("inputs", Integer.toString(inputs));
        p.setProperty("hidden", String.join(",", Arrays.stream(settings.hidden()).mapToObj(Integer::toString).toList()));
        p.setProperty("epochs", Integer.toString(settings.epochs()));
        p.setProperty("batch", Integer.toString(settings.batch()));
        p.setProperty("learning_rate", Float.toString(settings.learningRate()));
        ModelFiles.putTarget(p, model.target());
        ModelFiles.write(dir, p);
    }

    static MlpPredictor load(Path dir, Properties p) throws IOException {
        int inputs = Integer.parseInt(p.getProperty("inputs"));
        int[] hidden = Arrays.stream(p.getProperty("hidden").split(",")).mapToInt(Integer::parseInt).toArray();
        Settings s = new Settings(hidden, Integer.parseInt(p.getProperty("epochs")),
                Integer.parseInt(p.getProperty("batch")), Float.parseFloat(p.getProperty("learning_rate")));
        return new MlpPredictor(DjlRegressor.load(dir, network(hidden), rows(inputs), ModelFiles.target(p)), s, inputs);
    }
}
