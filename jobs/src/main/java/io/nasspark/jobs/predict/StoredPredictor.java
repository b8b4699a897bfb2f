package io.nasspark.jobs.predict;

import io.nasspark.predict.Predictor;
import io.nasspark.predict.Predictors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Loads saved predictors of every kind, once per JVM and path (an executor reuses its copy). */
final class StoredPredictor {

    private static final ConcurrentMap<Path, Predictor> LOADED = new ConcurrentHashMap<>();

    private StoredPredictor() {}

    /** The predictor saved in {@code dir}; gbt models need the driver's session to load. */
    static Predictor load(Path dir) {
        return LOADED.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
            try {
                return Predictors.kindOf(d).equals("gbt") ? GbtPredictor.load(d) : Predictors.load(d);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the predictor in " + d + ": " + e.getMessage(), e);
            }
        });
    }
}
