package io.nasspark.predict;

import io.nasspark.predict.meta.MetaMlpPredictor;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** Fits and loads the predictors this library has, by kind. */
public final class Predictors {

    /** Kinds this library fits (gbt is Spark MLlib's and lives with the jobs). */
    public static final List<String> KINDS = List.of("mlp", "gnn", "lut");

    private Predictors() {}

    /**
     * Fits a predictor of {@code kind} with its default settings.
     *
     * @param logTarget fit the logarithm of the target (latency)
     */
    public static Predictor fit(String kind, SearchSpace space, List<Candidate> x, double[] y, boolean logTarget,
            long seed) {
        return switch (kind) {
            case "mlp" -> MlpPredictor.fit(space, x, y, logTarget, MlpPredictor.Settings.DEFAULT, seed);
            case "gnn" -> GnnPredictor.fit(space, x, y, logTarget, GnnPredictor.Settings.DEFAULT, seed);
            case "lut" -> LookupTablePredictor.fit(space, x, y);
            default -> throw new IllegalArgumentException("unknown predictor kind " + kind + " (known: "
                    + String.join(", ", KINDS) + ")");
        };
    }

    /**
     * What a stored predictor's id must also cover for {@code kind}: its default settings where
     * they have changed since the first predictors were stored (empty where they have not), so a
     * job fits a new predictor instead of finding a stale one under the old id.
     */
    public static String defaultsKey(String kind) {
        return kind.equals("gnn") ? "gnn=table-residual-from-zero-1se,validation=" + GnnPredictor.Settings.DEFAULT.validation() : "";
    }

    /** The kind of the predictor saved in {@code dir}. */
    public static String kindOf(Path dir) throws IOException {
        return ModelFiles.read(dir).getProperty("kind", "");
    }

    /** A saved predictor's settings file, for kinds defined elsewhere. */
    public static Properties settingsOf(Path dir) throws IOException {
        return ModelFiles.read(dir);
    }

    /** Writes a predictor's settings file, for kinds defined elsewhere. */
    public static void writeSettings(Path dir, Properties settings) throws IOException {
        ModelFiles.write(dir, settings);
    }

    /** Loads the predictor saved in {@code dir}. */
    public static Predictor load(Path dir) throws IOException {
        Properties p = ModelFiles.read(dir);
        String kind = p.getProperty("kind", "");
        return switch (kind) {
            case "mlp" -> MlpPredictor.load(dir, p);
            case "gnn" -> GnnPredictor.load(dir, p);
            case "lut" -> LookupTablePredictor.load(p);
            case MetaMlpPredictor.KIND -> MetaMlpPredictor.load(dir, p);
            default -> throw new IOException("unknown predictor kind '" + kind + "' in " + dir);
        };
    }
}
