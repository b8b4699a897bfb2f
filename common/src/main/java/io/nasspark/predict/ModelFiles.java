package io.nasspark.predict;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The settings file beside a predictor's weights: kind, sizes, target scaling. */
final class ModelFiles {

    static final String SETTINGS = "predictor.properties";

    private ModelFiles() {}

    static void write(Path dir, Properties p) throws IOException {
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(dir.resolve(SETTINGS))) {
            p.store(out, "nas predictor");
        }
    }

    static Properties read(Path dir) throws IOException {
        Path file = dir.resolve(SETTINGS);
        if (!Files.isReadable(file)) {
            throw new IOException("no predictor in " + dir + " (" + SETTINGS + " missing)");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    static void putTarget(Properties p, Standardizer t) {
        p.setProperty("target.log", Boolean.toString(t.log()));
        p.setProperty("target.mean", Double.toString(t.mean()));
        p.setProperty("target.std", Double.toString(t.std()));
    }

    static Standardizer target(Properties p) {
        return new Standardizer(Boolean.parseBoolean(p.getProperty("target.log")),
                Double.parseDouble(p.getProperty("target.mean")), Double.parseDouble(p.getProperty("target.std")));
    }
}
