package io.nasspark.jobs;

import io.nasspark.jobs.cli.SparkOptions;
import io.nasspark.jobs.cli.SparkSessions;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.schema.TableSchema;
import io.nasspark.schema.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * One local[2] session per test JVM, bound to 127.0.0.1 with the UI off, built by the same
 * code path as the jobs' own, over a temporary warehouse with the embedded Iceberg catalog.
 */
public abstract class SparkTestBase {

    protected static final Path WAREHOUSE = tempDir();
    protected static final SparkSession spark = start();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("nas-jobs-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SparkSession start() {
        SparkSession session = SparkSessions.getOrCreate(options(), "nas tests");
        Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        return session;
    }

    /** Options pointing at the shared warehouse, as a job's command line would give them. */
    protected static SparkOptions options() {
        return SparkOptions.of(WAREHOUSE, "local[2]", Map.of(
                "spark.sql.shuffle.partitions", "2",
                "spark.local.dir", WAREHOUSE.resolve("spark-local").toString()));
    }

    /** {@code nas ARGS --tables WAREHOUSE} in this JVM, the arguments split at spaces. */
    protected static CliRun nas(String args) {
        return CliRun.nas((args + " --tables " + WAREHOUSE).split(" "));
    }

    /** A table's name in the catalog, for SQL. */
    protected static String table(String name) {
        return IcebergCatalog.qualified(name);
    }

    protected static void drop(TableSchema... tables) {
        for (TableSchema t : tables.length == 0 ? Tables.all().toArray(TableSchema[]::new) : tables) {
            spark.sql("DROP TABLE IF EXISTS " + IcebergCatalog.qualified(t.name()) + " PURGE");
        }
    }
}
