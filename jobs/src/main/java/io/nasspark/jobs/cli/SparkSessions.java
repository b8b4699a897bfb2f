package io.nasspark.jobs.cli;

import io.nasspark.jobs.io.CodeVersion;
import io.nasspark.schema.ForklessLocalFileSystem;
import io.nasspark.schema.IcebergCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the session a job runs in. Local masters stay on 127.0.0.1 with the UI off and
 * scratch space under the working directory; the embedded catalog is used unless the settings
 * name a catalog of their own. Settings given with {@code --conf} win over every default.
 */
public final class SparkSessions {

    /** Master used when neither {@code --master} nor spark-submit chose one. */
    public static final String DEFAULT_MASTER = "local[*]";
    /** Scratch space of local runs, under the working directory. */
    public static final Path LOCAL_DIR = Path.of(".nas", "spark-local");

    /**
     * glibc malloc settings for executors that train with libtorch: tensors up to 32 MB come
     * from the arena instead of fresh mappings, and up to 512 MB of freed memory stays with the
     * process. By default each training step faulted in its activations' pages again (about
     * 3,600 page faults a step on the trainer benchmark; 2,200 with these). One arena for all
     * threads cut that to 40, but slowed two tasks training side by side, so it is not set.
     * {@code bin/nas} sets the same for the driver JVM, which runs the tasks of a local master.
     */
    static final String GLIBC_TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=536870912";

    private SparkSessions() {}

    /** The settings a session for {@code options} gets, in the order they apply. */
    public static Map<String, String> settings(SparkOptions options) {
        return settings(options, Map.of());
    }

    /** The settings, with a job's own between the defaults and {@code --conf}. */
    public static Map<String, String> settings(SparkOptions options, Map<String, String> job) {
        String master = master(options);
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", master);
        if (master.startsWith("local")) {
            conf.put("spark.driver.bindAddress", "127.0.0.1");
            conf.put("spark.driver.host", "127.0.0.1");
            conf.put("spark.ui.enabled", "false");
            conf.put("spark.local.dir", LOCAL_DIR.toAbsolutePath().toString());
            conf.put("spark.sql.shuffle.partitions", "8");
            // One process holds every task, so locality means nothing; and a local master offers
            // resources again only when a task ends, so a task that waits for its data's host
            // (an HDFS block on "127.0.0.1" against the executor's "localhost") waits forever once
            // the others are done (seen in Iceberg's orphan-file action on HDFS).
            conf.put("spark.locality.wait", "0s");
        }
        conf.put("spark.executorEnv.GLIBC_TUNABLES", GLIBC_TUNABLES);
        // file: paths (the embedded warehouse, local inputs) without a chmod process per file written
        conf.put(ForklessLocalFileSystem.HADOOP_CONF, ForklessLocalFileSystem.class.getName());
        conf.putAll(IcebergCatalog.sessionConf());
        if (usesEmbeddedCatalog(options)) {
            conf.putAll(IcebergCatalog.embeddedConf(localTablesDir(options)));
        } else {
            conf.put(IcebergCatalog.CONF_PREFIX + ".warehouse", options.tables());
        }
        conf.putAll(job);
        conf.putAll(options.conf());
        return conf;
    }

    /** Whether the tables live in the embedded SQLite catalog under {@code --tables}. */
    public static boolean usesEmbeddedCatalog(SparkOptions options) {
        return options.conf().keySet().stream().noneMatch(IcebergCatalog::isCatalogSetting);
    }

    /**
     * The running session if there is one (a test's shared session, or a stage of a pipeline),
     * used as it is, catalog included; else a new one with {@link #settings}. The embedded
     * catalog's tables directory is checked first.
     */
    public static SparkSession getOrCreate(SparkOptions options, String appName) {
        return getOrCreate(options, appName, Map.of());
    }

    private static SparkSession getOrCreate(SparkOptions options, String appName, Map<String, String> job) {
        SparkSession running = running();
        // A stage of a pipeline has only --tables; on a session with a configured catalog its
        // warehouse may be a URI, which the embedded catalog's check would refuse.
        if (running == null || IcebergCatalog.isEmbeddedUri(running.conf().get(IcebergCatalog.CONF_PREFIX + ".uri", null))) {
            prepareTablesDir(options);
        }
        if (running != null) {
            return running;
        }
        CodeVersion.requireSparkOfBuild(org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                scala.util.Properties.versionNumberString());
        SparkConf conf = new SparkConf().setAppName(appName);
        settings(options, job).forEach(conf::set);
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        if (!conf.get("spark.master").startsWith("local")) {
            requireExecutorsOfBuild(spark);
        }
        return spark;
    }

    /** The session this thread or JVM already runs (a test's, a pipeline's), or null. */
    static SparkSession running() {
        return SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
    }

    /**
     * Runs one tiny task to learn the executors' Spark and Scala versions, and stops the
     * session with a message naming them when they are not the build's.
     */
    private static void requireExecutorsOfBuild(SparkSession spark) {
        try {
            String[] found = spark.range(0, 1, 1, 1)
                    .map((MapFunction<Long, String>) i -> org.apache.spark.package$.MODULE$.SPARK_VERSION()
                            + " " + scala.util.Properties.versionNumberString(), Encoders.STRING())
                    .first().split(" ");
            CodeVersion.requireExecutorSparkOfBuild(found[0], found[1]);
        } catch (RuntimeException e) {
            spark.stop();
            throw e instanceof IllegalArgumentException ? e : new IllegalStateException(
                    "the executors could not run a probe task (is their Spark the build's, "
                            + org.apache.spark.package$.MODULE$.SPARK_VERSION() + "?): " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in the session {@link #getOrCreate} gives, and stops the session
     * afterwards only if this call started it.
     */
    public static <T> T using(SparkOptions options, String appName, Function<SparkSession, T> work) {
        return using(options, appName, Map.of(), work);
    }

    /** {@link #using(SparkOptions, String, Function)} with a job's own session settings. */
    public static <T> T using(SparkOptions options, String appName, Map<String, String> job,
            Function<SparkSession, T> work) {
        boolean starts = SparkSession.getActiveSession().isEmpty()
                && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = getOrCreate(options, appName, job);
        try {
            return work.apply(spark);
        } finally {
            if (starts) {
                spark.stop();
            }
        }
    }

    /**
     * Creates the embedded warehouse, proves it writable and initialises its catalog before any
     * work starts.
     *
     * @throws IllegalArgumentException naming the directory when it cannot be written
     */
    public static void prepareTablesDir(SparkOptions options) {
        if (!usesEmbeddedCatalog(options)) {
            return;
        }
        Path dir = localTablesDir(options).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
            IcebergCatalog.initializeEmbedded(dir);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("tables directory " + dir + " cannot be written ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /**
     * The embedded catalog keeps its SQLite file in the warehouse, so the warehouse must be a
     * local directory.
     */
    private static Path localTablesDir(SparkOptions options) {
        String tables = options.tables();
        if (tables.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*") && !tables.startsWith("file:")) {
            throw new IllegalArgumentException("--tables " + tables + " is not a local directory;"
                    + " the embedded catalog needs one. For a remote warehouse configure a catalog,"
                    + " e.g. --conf " + IcebergCatalog.CONF_PREFIX + ".type=hive (see README)");
        }
        return tables.startsWith("file:") ? Path.of(java.net.URI.create(tables)) : Path.of(tables);
    }

    /** The master URL a session for {@code options} uses. */
    public static String master(SparkOptions options) {
        if (options.master() != null) {
            return options.master();
        }
        // spark-submit passes its --master as this system property.
        return System.getProperty("spark.master", DEFAULT_MASTER);
    }
}
