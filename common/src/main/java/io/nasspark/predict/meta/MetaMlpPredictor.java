package io.nasspark.predict.meta;

import io.nasspark.predict.Predictor;
import io.nasspark.predict.Predictors;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * An accuracy predictor adapted to a target task from a few pairs: the flat MLP's parameters and
 * the scale the target's shots set. Saved like every predictor, so {@code predict} serves it.
 */
public final class MetaMlpPredictor implements Predictor {

    /** The kind written to the settings file. */
    public static final String KIND = "meta-mlp";
    private static final String WEIGHTS = "weights.bin";

    private final FlatMlp net;
    private final double[] theta;
    private final Scale scale;
    private final String method;
    private final String settings;

    MetaMlpPredictor(FlatMlp net, double[] theta, Scale scale, String method, String settings) {
        if (theta.length != net.size()) {
            throw new IllegalArgumentException("network has " + net.size() + " parameters, got " + theta.length);
        }
        this.net = net;
        this.theta = theta;
        this.scale = scale;
        this.method = method;
        this.settings = settings;
    }

    /**
     * Parameters that predict standardised values (mean 0, spread 1, of the log with
     * {@code logTarget}), such as MAML's meta-learned start.
     */
    public static MetaMlpPredictor standardised(FlatMlp net, double[] theta, String method, String settings,
            boolean logTarget) {
        return new MetaMlpPredictor(net, theta, new Scale(0, 1, logTarget), method, settings);
    }

    /** Whether the values are standardised in the log (latency). */
    public boolean logTarget() {
        return scale.log();
    }

    /** maml, target-only, source-only or fine-tune. */
    public String method() {
        return method;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return "method=" + method + ",hidden=" + Arrays.stream(net.hidden()).mapToObj(Integer::toString)
                .collect(Collectors.joining("-")) + (settings.isEmpty() ? "" : "," + settings);
    }

    @Override
    public double[] predict(SearchSpace space, List<Candidate> batch) {
        return predict(batch.stream().map(c -> features(space, c)).toArray(double[][]::new));
    }

    /** Predicted values (accuracy in percent, latency in ms) for feature rows. */
    public double[] predict(double[][] x) {
        double[] out = net.predict(theta, x);
        for (int i = 0; i < out.length; i++) {
            out[i] = scale.inverse(out[i]);
        }
        return out;
    }

    /** A candidate's features: its one-hot encoding. */
    public static double[] features(SearchSpace space, Candidate c) {
        float[] oneHot = space.oneHot(c);
        double[] x = new double[oneHot.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = oneHot[i];
        }
        return x;
    }

    @Override
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("kind", KIND);
        p.setProperty("method", method);
        p.setProperty("settings", settings);
        p.setProperty("inputs", Integer.toString(net.inputs()));
        p.setProperty("hidden", Arrays.stream(net.hidden()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        p.setProperty("target.mean", Double.toString(scale.mean()));
        p.setProperty("target.std", Double.toString(scale.std()));
        p.setProperty("target.log", Boolean.toString(scale.log()));
        Predictors.writeSettings(dir, p);
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(dir.resolve(WEIGHTS))))) {
            out.writeInt(theta.length);
            for (double v : theta) {
                out.writeDouble(v);
            }
        }
    }

    /** Loads what {@link #save} wrote; {@code p} is the settings file already read. */
    public static MetaMlpPredictor load(Path dir, Properties p) throws IOException {
        int[] hidden = Arrays.stream(p.getProperty("hidden").split(",")).mapToInt(Integer::parseInt).toArray();
        FlatMlp net = new FlatMlp(Integer.parseInt(p.getProperty("inputs")), hidden);
        double[] theta;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                Files.newInputStream(dir.resolve(WEIGHTS))))) {
            int n = in.readInt();
            if (n != net.size()) {
                throw new IOException(dir.resolve(WEIGHTS) + " holds " + n + " parameters; the network has " + net.size());
            }
            theta = new double[n];
            for (int i = 0; i < n; i++) {
                theta[i] = in.readDouble();
            }
        }
        return new MetaMlpPredictor(net, theta, new Scale(Double.parseDouble(p.getProperty("target.mean")),
                Double.parseDouble(p.getProperty("target.std")), Boolean.parseBoolean(p.getProperty("target.log"))),
                p.getProperty("method"), p.getProperty("settings", ""));
    }

    /** The meta-learned parameters as they are, for {@code meta-adapt} to start from. */
    public double[] parameters() {
        return theta.clone();
    }

    public FlatMlp network() {
        return net;
    }
}
