package io.nasspark.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.nasspark.jobs.CliRun.nas;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.NasCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract for people: help, and one clear line with exit 2 on bad input. */
class NasCliTest {

    @TempDir
    Path tmp;

        private static void assertBadInput(CliRun r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void helpListsEveryJobWithASummary() {
        CliRun r = nas("--help");
        assertEquals(0, r.code());
        for (String job : new String[] {"sample", "sql", "describe", "demo"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(job + " ")), job + " in\n" + r.out());
        }
        CliRun sample = nas("sample", "--help");
        assertTrue(sample.out().contains("--count") && sample.out().contains("--tables"), sample.out());
    }

    /** picocli reads descriptions as format strings: a bare '%' garbles the help and warns on stderr. */
    @Test
    void everyHelpFormatsWithoutPicocliWarnings() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            CommandLine nas = NasCli.commandLine();
            nas.getUsageMessage();
            nas.getSubcommands().values().forEach(CommandLine::getUsageMessage);
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badInputGetsOneLineAndExitCodeTwo() {
        String tables = tmp.resolve("tables").toString();
        assertBadInput(nas("sample", "--space", "darts", "--count", "5", "--tables", tables),
                "unknown space 'darts' (known: nb201, mbconv, mbconv-small, mbconv-mini, mbconv-hybrid, mbconv-small-hybrid, mbconv-mini-hybrid, graft:BASE)");
        assertBadInput(nas("sample", "--space", "nb201", "--count", "0", "--tables", tables),
                "--count must be at least 1, got 0");
        assertBadInput(nas("sample", "--space", "mbconv", "--count", "-3", "--tables", tables),
                "--count must be at least 1, got -3");
        assertBadInput(nas("sample", "--space", "mbconv", "--all", "--tables", tables),
                "too many to enumerate");
        assertBadInput(nas("sample", "--space", "nb201", "--count", "20000", "--tables", tables),
                "more than the 15625 candidates");
        assertBadInput(nas("sample", "--space", "nb201", "--count", "ten"), "'ten' is not a long");
        assertBadInput(nas("sample", "--count", "10"), "Missing required option: '--space=SPACE'");
        assertBadInput(nas("launch"), "Unmatched argument");
        assertFalse(Files.exists(tmp.resolve("tables")), "nothing written for bad input");
    }

    @Test
    void anUnwritableTablesDirectoryIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Path tables = file.resolve("tables");
        assertBadInput(nas("sample", "--space", "nb201", "--count", "5", "--tables", tables.toString()),
                "tables directory " + tables + " cannot be written");
    }

    @Test
    void profilesNameTheCatalogAndConfWinsOverThem() throws Exception {
        Path catalog = Files.writeString(tmp.resolve("catalog.properties"), """
                # a catalog's settings, as cluster-conf/catalog.sh writes them
                spark.sql.catalog.nas.catalog-impl=org.apache.iceberg.jdbc.JdbcCatalog
                spark.sql.catalog.nas.uri=jdbc:postgresql://127.0.0.1:5433/nas_catalog
                spark.hadoop.dfs.replication=3
                """);
        Path storage = Files.writeString(tmp.resolve("hdfs.properties"), "spark.hadoop.dfs.replication=1\n");
        CliRun help = nas("sample", "--help");
        assertTrue(help.out().contains("--profile"), help.out());
        SparkOptions options = SparkOptions.of("hdfs://127.0.0.1:9000/nas", null,
                Map.of("spark.sql.catalog.nas.uri", "jdbc:postgresql://db:5432/other"), List.of(catalog, storage));
        Map<String, String> conf = SparkSessions.settings(options);
        assertEquals("jdbc:postgresql://db:5432/other", conf.get("spark.sql.catalog.nas.uri"), "--conf wins");
        assertEquals("1", conf.get("spark.hadoop.dfs.replication"), "a later profile wins");
        assertEquals("hdfs://127.0.0.1:9000/nas", conf.get("spark.sql.catalog.nas.warehouse"));
        assertFalse(SparkSessions.usesEmbeddedCatalog(options), "the profile names a catalog");
        assertBadInput(nas("sql", "SELECT 1", "--profile", tmp.resolve("missing.properties").toString()),
                "--profile " + tmp.resolve("missing.properties") + " cannot be read");
    }

    @Test
    void aDatabaseErrorNamesTheCatalog() {
        RuntimeException stopped = new IllegalStateException("commit failed",
                new java.sql.SQLException("FATAL: terminating connection due to administrator command"));
        assertEquals("the catalog at jdbc:postgresql://127.0.0.1:5433/nas_catalog failed: FATAL: terminating"
                + " connection due to administrator command",
                CatalogFailure.of(stopped, "jdbc:postgresql://127.0.0.1:5433/nas_catalog").getMessage());
        RuntimeException other = new IllegalStateException("a task failed");
        assertEquals(other, CatalogFailure.of(other, "jdbc:postgresql://127.0.0.1:5433/nas_catalog"));
    }

    @Test
    void aRemoteWarehouseNeedsACatalogOfItsOwn() {
        assertBadInput(nas("sample", "--space", "nb201", "--count", "5", "--tables", "hdfs://nn:8020/nas"),
                "--tables hdfs://nn:8020/nas is not a local directory");
        Map<String, String> conf = SparkSessions.settings(SparkOptions.of(Path.of("unused"), "yarn",
                Map.of("spark.sql.catalog.nas.type", "hive")));
        assertEquals("unused", conf.get("spark.sql.catalog.nas.warehouse"));
        assertFalse(conf.containsKey("spark.sql.catalog.nas.catalog-impl"), conf.toString());
        assertFalse(conf.containsKey("spark.driver.bindAddress"), "a cluster driver binds where the cluster reaches it");
        assertTrue(conf.get("spark.executorEnv.GLIBC_TUNABLES").contains("glibc.malloc.mmap_threshold="), conf.toString());
        assertEquals("x", SparkSessions.settings(SparkOptions.of(Path.of("unused"), "yarn",
                Map.of("spark.executorEnv.GLIBC_TUNABLES", "x"))).get("spark.executorEnv.GLIBC_TUNABLES"));
        Map<String, String> local = SparkSessions.settings(SparkOptions.of(Path.of("t"), null, Map.of()));
        assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
        assertEquals("false", local.get("spark.ui.enabled"));
        assertTrue(local.get("spark.sql.catalog.nas.uri").startsWith("jdbc:sqlite:/"), local.toString());
    }

    @Test
    void describeNamesTheTokenThatDoesNotParse() {
        assertBadInput(nas("describe", "--space", "nb201", "--arch",
                "|nor_conv_3x3~0|+|nor_conv_7x7~0|none~1|+|none~0|none~1|none~2|"),
                "unknown operation 'nor_conv_7x7' in token 'nor_conv_7x7~0' of node 2");
        assertBadInput(nas("describe", "--space", "mbconv", "--arch", "MBK3E6-MBK9E6"),
                "expected 21 layer tokens");
    }

    @Test
    void describeBuildsTheNetworkInDjl() {
        CliRun r = nas("describe", "--space", "nb201", "--build", "--arch",
                "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("params           1,531,546"), r.out());
        assertTrue(r.out().contains("output [1, 10], 1,531,546 trainable parameters (matches the cost model)"), r.out());
    }

    @Test
    void describeCountsTheLayersTheDeepToShallowTransformLeaves() {
        CliRun r = nas("describe", "--space", "mbconv-mini-hybrid", "--input-size", "16", "--transformed", "--arch",
                "LMBK3E6-Skip-LMBK5E3-MBK3E6-Skip-Skip-Skip-Skip");
        assertEquals(0, r.code(), r.err());
        // stem 1, MBK3E1 2, two linear blocks 3 each, MBK3E6 3, the two shape-changing skips 1 each, head 1
        assertTrue(r.out().contains("depth            15 convolutions, 15 BatchNorms"), r.out());
        // the linear blocks merge into one convolution each: 2 fewer each
        assertTrue(r.out().contains("transformed      11 convolutions"), r.out());
    }
}
