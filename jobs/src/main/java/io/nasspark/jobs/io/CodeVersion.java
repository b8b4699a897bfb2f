package io.nasspark.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The build's version and git commit, as every run records them. */
public final class CodeVersion {

    private static final Properties BUILD = read();

    private CodeVersion() {}

    /** For example {@code 0.1.0-SNAPSHOT+3f2c9ab}, with {@code -dirty} for uncommitted changes. */
    public static String current() {
        String dirty = Boolean.parseBoolean(BUILD.getProperty("dirty")) ? "-dirty" : "";
        return BUILD.getProperty("version", "unknown") + "+" + BUILD.getProperty("commit", "unknown")
                + dirty;
    }

    /**
     * Checks that the Spark running this driver is the one the jar was built for: Spark is not
     * inside the jar, so a cluster's own spark-submit of another version would otherwise fail
     * later with obscure linkage or serialisation errors.
     *
     * @throws IllegalArgumentException naming both versions when they differ
     */
    public static void requireSparkOfBuild(String runningSpark, String runningScala) {
        requireSparkOfBuild("runs on", runningSpark, runningScala);
    }

    /**
     * As {@link #requireSparkOfBuild(String, String)}, for the Spark the cluster's executors
     * run (a standalone worker starts executors from its own Spark installation).
     */
    public static void requireExecutorSparkOfBuild(String executorSpark, String executorScala) {
        requireSparkOfBuild("its executors run", executorSpark, executorScala);
    }

    private static void requireSparkOfBuild(String where, String runningSpark, String runningScala) {
        String spark = BUILD.getProperty("spark", runningSpark);
        String scala = BUILD.getProperty("scala", runningScala);
        if (!sameMinor(spark, runningSpark) || !runningScala.startsWith(scala)) {
            throw new IllegalArgumentException("this jar was built for Spark " + spark + " (Scala "
                    + scala + ") but " + where + " Spark " + runningSpark + " (Scala " + runningScala
                    + "); use a cluster with a Spark " + spark + " distribution");
        }
    }

    private static boolean sameMinor(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        return x.length >= 2 && y.length >= 2 && x[0].equals(y[0]) && x[1].equals(y[1]);
    }

    private static Properties read() {
        Properties p = new Properties();
        try (InputStream in = CodeVersion.class.getResourceAsStream("/io/nasspark/jobs/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
