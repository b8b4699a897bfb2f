package io.nasspark.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Where the tables live: one Iceberg catalog, {@value #NAME}, whose tables sit in namespace
 * {@value #NAMESPACE}. The embedded default is a JDBC catalog on a SQLite file inside the
 * warehouse directory: its commits are atomic across processes, where Iceberg's Hadoop catalog
 * only locks within one JVM on a local disk. A cluster points {@code spark.sql.catalog.nas.*}
 * at its own catalog (Hive, REST, Glue) instead.
 */
public final class IcebergCatalog {

    /** The Spark catalog name. */
    public static final String NAME = "nas";
    /** The namespace holding the project's tables. */
    public static final String NAMESPACE = "nas";
    /** The SQLite file of the embedded catalog, inside the warehouse. */
    public static final String CATALOG_FILE = "catalog.db";
    /** How the embedded catalog's JDBC URI starts. */
    private static final String EMBEDDED_URI_PREFIX = "jdbc:sqlite:";
    /** Prefix of every setting of the catalog. */
    public static final String CONF_PREFIX = "spark.sql.catalog." + NAME;

    private IcebergCatalog() {}

    /** Settings that make the catalog the session's default and enable Iceberg's SQL. */
    public static Map<String, String> sessionConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
        conf.put(CONF_PREFIX, "org.apache.iceberg.spark.SparkCatalog");
        conf.put(CONF_PREFIX + ".default-namespace", NAMESPACE);
        conf.put("spark.sql.defaultCatalog", NAME);
        return conf;
    }

    /** Settings of the embedded JDBC-on-SQLite catalog with its warehouse at {@code warehouse}. */
    public static Map<String, String> embeddedConf(Path warehouse) {
        Path dir = warehouse.toAbsolutePath().normalize();
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(CONF_PREFIX + ".catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
        conf.put(CONF_PREFIX + ".uri", EMBEDDED_URI_PREFIX + dir.resolve(CATALOG_FILE));
        conf.put(CONF_PREFIX + ".jdbc.schema-version", "V1");
        // Jobs committing at once wait for SQLite's write lock instead of failing at 3 s.
        conf.put(CONF_PREFIX + ".jdbc.busy_timeout", "30000");
        conf.put(CONF_PREFIX + ".warehouse", dir.toUri().toString());
        return conf;
    }

    /**
     * Creates or upgrades the embedded catalog's SQLite schema while holding a file lock in the
     * warehouse. Iceberg's JDBC catalog checks and alters its schema on every start without a
     * transaction, so two jobs starting at once on a fresh warehouse could both add the same
     * column and one would fail; after this call every start finds the schema complete.
     * Synchronized because a JVM may hold a file lock only once.
     */
    public static synchronized void initializeEmbedded(Path warehouse) {
        Path dir = warehouse.toAbsolutePath().normalize();
        Map<String, String> properties = new LinkedHashMap<>();
        embeddedConf(dir).forEach((key, value) -> properties.put(key.substring(CONF_PREFIX.length() + 1), value));
        try (FileChannel channel = FileChannel.open(dir.resolve(".catalog.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock();
                JdbcCatalog catalog = new JdbcCatalog()) {
            catalog.setConf(new Configuration());
            catalog.initialize(NAME, properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot initialise the catalog in " + dir, e);
        }
    }

    /** Whether a session whose catalog URI is {@code uri} runs the embedded catalog. */
    public static boolean isEmbeddedUri(String uri) {
        return uri != null && uri.startsWith(EMBEDDED_URI_PREFIX);
    }

    /** Whether {@code key} configures the catalog itself (so the embedded default must yield). */
    public static boolean isCatalogSetting(String key) {
        return key.equals(CONF_PREFIX + ".type")
                || key.equals(CONF_PREFIX + ".catalog-impl")
                || key.equals(CONF_PREFIX + ".uri");
    }

    /** {@code nas.nas.table}. */
    public static String qualified(String table) {
        return NAME + "." + NAMESPACE + "." + table;
    }
}
