package io.nasspark.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real Iceberg tables on Parquet, in a JDBC-on-SQLite catalog in a temporary warehouse. */
class TableStoreSparkTest {

    private static SparkSession spark;
    private static TableStore store;
    private static Path warehouse;

    @BeforeAll
    static void start() throws Exception {
        warehouse = Files.createTempDirectory("nas-schema-test");
        SparkSession.Builder builder = SparkSession.builder()
                .appName(TableStoreSparkTest.class.getSimpleName())
                .master("local[2]")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config(ForklessLocalFileSystem.HADOOP_CONF, ForklessLocalFileSystem.class.getName())
                .config("spark.local.dir", warehouse.resolve("spark-local").toString());
        IcebergCatalog.sessionConf().forEach(builder::config);
        IcebergCatalog.embeddedConf(warehouse).forEach(builder::config);
        spark = builder.getOrCreate();
        store = new TableStore(spark);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @BeforeEach
    void dropRuns() {
        spark.sql("DROP TABLE IF EXISTS " + IcebergCatalog.qualified("runs") + " PURGE");
    }

    private static Dataset<Row> runs(int from, int to) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Timestamp t = new Timestamp(1_700_000_000_000L + i);
            rows.add(RowFactory.create("run-" + i, "sample", "--count " + i, "test", (long) i, "local[2]",
                    t, t, "succeeded", (long) i, "ok"));
        }
        return spark.createDataFrame(rows, Tables.RUNS.schema());
    }

    @Test
    void aKeyedMergeAddsOnlyNewKeysInOneCommitEach() {
        MergeResult first = store.merge(Tables.RUNS, runs(0, 100));
        assertEquals(100, first.rowsAdded());
        // The check a racing creation falls back on must see the namespace.
        assertTrue(spark.catalog().databaseExists(IcebergCatalog.NAME + "." + IcebergCatalog.NAMESPACE));
        assertEquals(false, spark.catalog().databaseExists(IcebergCatalog.NAME + ".elsewhere"));
        MergeResult again = store.merge(Tables.RUNS, runs(0, 100));
        assertEquals(0, again.rowsAdded());
        MergeResult more = store.merge(Tables.RUNS, runs(50, 150).union(runs(140, 150)));
        assertEquals(50, more.rowsAdded());

        assertEquals(150, store.read(Tables.RUNS).count());
        assertEquals(150, store.read(Tables.RUNS).select("run_id").distinct().count());
        long snapshots = spark.sql("SELECT * FROM " + IcebergCatalog.qualified("runs") + ".snapshots").count();
        assertTrue(snapshots <= 3, "one commit per write that adds rows, got " + snapshots);
        List<String> files = spark.sql("SELECT file_path FROM " + IcebergCatalog.qualified("runs") + ".files")
                .as(Encoders.STRING()).collectAsList();
        assertTrue(files.stream().allMatch(f -> f.endsWith(".parquet")), files.toString());
    }

    @Test
    void anAppendOfNewKeysIsOneCommitAndASliceIsReplacedWhole() {
        MergeResult appended = store.appendNew(Tables.RUNS, runs(0, 20));
        assertEquals(20, appended.rowsAdded());
        assertTrue(appended.snapshotId() > 0);
        // Slices keyed by job: a new one is appended, a stored one replaced (rows no longer there go).
        store.replaceSlice(Tables.RUNS, runs(20, 30).withColumn("job", functions.lit("slice-with-a-long-name-a")),
                "job", "slice-with-a-long-name-a");
        store.replaceSlice(Tables.RUNS, runs(30, 35).withColumn("job", functions.lit("slice-with-a-long-name-b")),
                "job", "slice-with-a-long-name-b"); // shares 16 characters of bounds with a: Iceberg says "may hold"
        store.replaceSlice(Tables.RUNS, runs(25, 28).withColumn("job", functions.lit("slice-with-a-long-name-a")),
                "job", "slice-with-a-long-name-a");
        assertEquals(List.of(20L, 3L, 5L), List.of(
                store.read(Tables.RUNS).where("job = 'sample'").count(),
                store.read(Tables.RUNS).where("job = 'slice-with-a-long-name-a'").count(),
                store.read(Tables.RUNS).where("job = 'slice-with-a-long-name-b'").count()));
        // The slice's own files were dropped whole: no delete files, as a merge would have written.
        Row last = spark.sql("SELECT summary['deleted-data-files'], summary['added-delete-files'] FROM "
                + IcebergCatalog.qualified("runs") + ".snapshots ORDER BY committed_at DESC LIMIT 1").first();
        assertTrue(!last.isNullAt(0) && last.isNullAt(1), "data files dropped, no delete files: " + last);

        // A file whose bounds cannot show it holds one slice (cut to 4 characters): Iceberg refuses to
        // drop files by the filter, and the slice is replaced by a merge instead, with the same result.
        spark.sql("ALTER TABLE " + IcebergCatalog.qualified("runs")
                + " SET TBLPROPERTIES ('write.metadata.metrics.column.job'='truncate(4)')");
        store.appendNew(Tables.RUNS, runs(40, 42).withColumn("job", functions.lit("slice-with-a-long-name-c")));
        store.replaceSlice(Tables.RUNS, runs(26, 27).withColumn("job", functions.lit("slice-with-a-long-name-a")),
                "job", "slice-with-a-long-name-a");
        assertEquals(List.of(1L, 5L, 2L, 28L), List.of(
                store.read(Tables.RUNS).where("job = 'slice-with-a-long-name-a'").count(),
                store.read(Tables.RUNS).where("job = 'slice-with-a-long-name-b'").count(),
                store.read(Tables.RUNS).where("job = 'slice-with-a-long-name-c'").count(),
                store.read(Tables.RUNS).count()));
    }

    private static Row summaryRow(String analysis, String grp, long inputRows, Object hypervolume) {
        java.util.Map<String, Object> v = new java.util.HashMap<>(java.util.Map.of("analysis", analysis, "grp", grp,
                "objectives", "latency_ms:min,top1:max", "input_rows", inputRows, "excluded_rows", 0L,
                "reference_point", new java.util.LinkedHashMap<>(java.util.Map.of("latency_ms", 9.5)),
                "budgets", List.of("latency_ms<=5: best top1 71.2", "none"),
                "created_at", new Timestamp(1_700_000_000_123L), "status", "ok"));
        v.put("hypervolume", hypervolume);
        v.put("budget_ids", java.util.Arrays.asList("c1", null));
        return Tables.PARETO_SUMMARY.row(v);
    }

    @Test
    void rowsHeldOnTheDriverAreWrittenByIcebergItselfAndReplaceTheirSliceWhole() {
        String name = IcebergCatalog.qualified("pareto_summary");
        spark.sql("DROP TABLE IF EXISTS " + name + " PURGE");
        store.replaceSlice(Tables.PARETO_SUMMARY, List.of(summaryRow("a", "g0", 10, 1.5),
                summaryRow("a", "g1", 11, null)), "analysis", "a");
        store.replaceSlice(Tables.PARETO_SUMMARY, List.of(summaryRow("b", "g0", 12, 2.5)), "analysis", "b");
        MergeResult again = store.replaceSlice(Tables.PARETO_SUMMARY, List.of(summaryRow("a", "g2", 13, 3.5)),
                "analysis", "a");
        assertEquals(1, again.rowsAdded());

        List<Row> stored = store.read(Tables.PARETO_SUMMARY).orderBy("analysis", "grp").collectAsList();
        assertEquals(List.of("a/g2", "b/g0"), stored.stream().map(r -> r.getString(0) + "/" + r.getString(1)).toList());
        Row a = stored.get(0);
        assertEquals(13L, a.<Long>getAs("input_rows"));
        assertEquals(3.5, a.<Double>getAs("hypervolume"));
        assertEquals(new Timestamp(1_700_000_000_123L), a.getAs("created_at"));
        assertEquals(java.util.Map.of("latency_ms", 9.5), a.getJavaMap(a.fieldIndex("reference_point")));
        assertEquals(java.util.Arrays.asList("c1", null), a.getList(a.fieldIndex("budget_ids")));
        assertTrue(a.isNullAt(a.fieldIndex("knee")));
        // The stored slice's file was dropped whole, in one commit, with no delete files.
        Row last = spark.sql("SELECT operation, summary['deleted-data-files'], summary['added-delete-files'] FROM "
                + name + ".snapshots ORDER BY committed_at DESC LIMIT 1").first();
        assertEquals("overwrite", last.getString(0));
        assertTrue("1".equals(last.getString(1)) && last.isNullAt(2), "one data file dropped: " + last);

        // A row of the wrong type is refused with the column named, and nothing is committed or left behind.
        long snapshots = spark.sql("SELECT * FROM " + name + ".snapshots").count();
        List<Path> files = dataFiles("pareto_summary");
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class, () -> store.replaceSlice(
                Tables.PARETO_SUMMARY, List.of(summaryRow("a", "g3", 14, "big")), "analysis", "a"));
        assertTrue(e.getMessage().contains("column hypervolume"), e.getMessage());
        assertEquals(snapshots, spark.sql("SELECT * FROM " + name + ".snapshots").count());
        assertEquals(files, dataFiles("pareto_summary"));

        // Appended run records are read back like any other rows.
        store.appendNew(Tables.RUNS, runs(0, 2).collectAsList());
        store.appendNew(Tables.RUNS, runs(2, 3).collectAsList());
        assertEquals(runs(0, 3).collectAsList(), store.read(Tables.RUNS).orderBy("run_id").collectAsList());
    }

    @Test
    void aWriteThatDiesMidwayLeavesTheTableAsItWas() {
        store.merge(Tables.RUNS, runs(0, 10));
        long snapshot = spark.sql("SELECT snapshot_id FROM " + IcebergCatalog.qualified("runs")
                + ".snapshots ORDER BY committed_at DESC LIMIT 1").first().getLong(0);
        Dataset<Row> failing = runs(10, 2000).repartition(4).map(
                (MapFunction<Row, Row>) r -> {
                    if (r.getString(0).equals("run-1500")) {
                        throw new IllegalStateException("executor lost mid-write");
                    }
                    return r;
                },
                ExpressionEncoder.apply(Tables.RUNS.schema()));
        List<Path> filesBefore = dataFiles();
        assertThrows(Exception.class, () -> store.merge(Tables.RUNS, failing));
        assertEquals(10, store.read(Tables.RUNS).count());
        assertEquals(filesBefore, dataFiles(), "the aborted write removed the files it had written");
        long after = spark.sql("SELECT snapshot_id FROM " + IcebergCatalog.qualified("runs")
                + ".snapshots ORDER BY committed_at DESC LIMIT 1").first().getLong(0);
        assertEquals(snapshot, after);
    }

    @Test
    void twoWritersInsertingTheSameKeysAtOnceBothLandWithEveryRowOnce() throws Exception {
        store.ensure(Tables.RUNS);
        // Overlapping keys: 0..5999 from both, 6000..8999 from the second only.
        List<Thread> writers = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<MergeResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int end : new int[] {6_000, 9_000}) {
            writers.add(new Thread(() -> {
                try {
                    go.await();
                    results.add(store.merge(Tables.RUNS, runs(0, end).repartition(2)));
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        writers.forEach(Thread::start);
        go.countDown();
        for (Thread w : writers) {
            w.join(120_000);
        }
        assertEquals(List.of(), errors);
        assertEquals(9_000, results.stream().mapToLong(MergeResult::rowsAdded).sum());
        Row counts = spark.sql("SELECT count(*), count(DISTINCT run_id) FROM " + IcebergCatalog.qualified("runs")).first();
        assertEquals(9_000L, counts.getLong(0));
        assertEquals(9_000L, counts.getLong(1));
    }

    private static List<Path> dataFiles() {
        return dataFiles("runs");
    }

    private static List<Path> dataFiles(String table) {
        try (var files = Files.walk(warehouse.resolve("nas").resolve(table))) {
            return files.filter(f -> f.toString().endsWith(".parquet")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void wrongColumnsAreRefusedBeforeAnythingIsWritten() {
        Dataset<Row> bad = runs(0, 3).withColumn("rows_written", org.apache.spark.sql.functions.lit("many"));
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> store.merge(Tables.RUNS, bad));
        assertTrue(e.getMessage().contains("column 'rows_written' is string, expected bigint"), e.getMessage());
        assertEquals(false, store.exists(Tables.RUNS));
    }

    @Test
    void aStoredTableWithAMistypedColumnFailsOnRead() {
        spark.sql("CREATE TABLE " + IcebergCatalog.qualified("runs")
                + " (run_id STRING, job STRING, args STRING, code_version STRING, seed STRING, master STRING,"
                + " started_at TIMESTAMP, finished_at TIMESTAMP, status STRING, rows_written BIGINT,"
                + " message STRING) USING iceberg");
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class, () -> store.read(Tables.RUNS));
        assertTrue(e.getMessage().contains("table runs") && e.getMessage().contains("column 'seed' is string, expected bigint"),
                e.getMessage());
    }

    private static Row latencyRow(String id, String status, double median) {
        return Tables.LATENCY.row(java.util.Map.of("id", id, "input_size", 32, "classes", 10,
                "device", "test-cpu", "protocol", "b1-w1-r3-t1", "median_ms", median, "status", status));
    }

    @Test
    void retryingFailedRowsReplacesOnlyThoseAndKeepsTheRest() {
        spark.sql("DROP TABLE IF EXISTS " + IcebergCatalog.qualified("latency") + " PURGE");
        assertEquals(0, store.doneKeys(Tables.LATENCY, true).count(), "no table yet, nothing done");
        store.merge(Tables.LATENCY, spark.createDataFrame(List.of(latencyRow("a", Tables.OK, 1.0),
                latencyRow("b", Tables.FAILED, Double.NaN), latencyRow("c", Tables.OK, 3.0)),
                Tables.LATENCY.schema()));
        assertEquals(3, store.doneKeys(Tables.LATENCY, false).count());
        assertEquals(List.of("a", "c"), store.doneKeys(Tables.LATENCY, true).select("id").orderBy("id")
                .as(Encoders.STRING()).collectAsList());

        Dataset<Row> rerun = spark.createDataFrame(List.of(latencyRow("a", Tables.OK, 10.0),
                latencyRow("b", Tables.OK, 20.0), latencyRow("d", Tables.OK, 40.0)), Tables.LATENCY.schema());
        assertEquals(0, store.merge(Tables.LATENCY, rerun.where("id = 'b'")).rowsAdded(),
                "a plain merge keeps the failed row");
        MergeResult retried = store.merge(Tables.LATENCY, rerun, TableStore.MergeMode.REPLACE_FAILED);
        assertEquals(2, retried.rowsAdded(), "b replaced, d added");

        List<Row> stored = store.read(Tables.LATENCY).orderBy("id").collectAsList();
        assertEquals(4, stored.size());
        assertEquals(List.of(1.0, 20.0, 3.0, 40.0),
                stored.stream().map(r -> r.<Double>getAs("median_ms")).toList(), "a and c untouched");
        assertTrue(stored.stream().allMatch(r -> Tables.OK.equals(r.getAs("status"))));
        assertThrows(IllegalArgumentException.class,
                () -> store.merge(Tables.ARCHITECTURES, spark.createDataFrame(List.of(),
                        Tables.ARCHITECTURES.schema()), TableStore.MergeMode.REPLACE_FAILED));
    }
}
