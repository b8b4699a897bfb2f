package io.nasspark.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The build's version and git commit, as every run records them. */
public final class CodeVersion {

    private static final String VERSION = read();

    private CodeVersion() {}

    /** For example {@code 0.1.0-SNAPSHOT+3f2c9ab}, with {@code -dirty} for uncommitted changes. */
    public static String current() {
        return VERSION;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = CodeVersion.class.getResourceAsStream("/io/nasspark/jobs/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String dirty = Boolean.parseBoolean(p.getProperty("dirty")) ? "-dirty" : "";
        return p.getProperty("version", "unknown") + "+" + p.getProperty("commit", "unknown") + dirty;
    }
}
