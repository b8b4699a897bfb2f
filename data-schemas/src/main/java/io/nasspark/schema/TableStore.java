package io.nasspark.schema;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one validating reader and writer every job uses. A write is a keyed {@code MERGE INTO}:
 * one Iceberg commit that inserts only rows whose key is not stored yet, so a re-run adds no
 * duplicates and a job that dies before its commit leaves the table as it was.
 *
 * <p>Concurrent writers: an insert-only merge would be planned as a plain append, which Iceberg
 * commits without checking what landed meanwhile, so two jobs inserting the same keys at once
 * would both add them (seen in a test). The merge therefore carries a matched clause that never
 * fires; that makes it a row-level operation, and the tables are set to merge-on-read with
 * serializable isolation, so Iceberg rejects the commit that lost the race and the writer
 * retries its merge against the new state. Merge-on-read keeps the clause free: matched rows are
 * neither rewritten nor deleted.
 */
public final class TableStore {

    /** Snapshot summary property that tells which write made a snapshot. */
    public static final String WRITE_ID_PROPERTY = "nas.write-id";

    /** Attempts of one keyed merge when commits conflict. */
    static final int MAX_ATTEMPTS = 8;

    private static final Map<String, String> TABLE_PROPERTIES = Map.of(
            "format-version", "2",
            "write.merge.mode", "merge-on-read",
            "write.merge.isolation-level", "serializable",
            // New rows need no clustering on unpartitioned tables; without this the merge
            // funnels every inserted row through one write task.
            "write.merge.distribution-mode", "none",
            "write.metadata.delete-after-commit.enabled", "true",
            "write.metadata.previous-versions-max", "50");

    private final SparkSession spark;

    public TableStore(SparkSession spark) {
        this.spark = spark;
    }

    /** Whether the table has been created. */
    public boolean exists(TableSchema table) {
        return spark.catalog().tableExists(IcebergCatalog.qualified(table.name()));
    }

    /** Creates the table if missing, then checks that what is stored matches the schema. */
    public void ensure(TableSchema table) {
        String name = IcebergCatalog.qualified(table.name());
        if (!exists(table)) {
            String namespace = IcebergCatalog.NAME + "." + IcebergCatalog.NAMESPACE;
            createUnlessRaced("CREATE NAMESPACE IF NOT EXISTS " + namespace,
                    () -> spark.catalog().databaseExists(namespace));
            Map<String, String> properties = new TreeMap<>(TABLE_PROPERTIES);
            properties.put(TableSchema.VERSION_PROPERTY, Integer.toString(table.version()));
            createUnlessRaced("CREATE TABLE IF NOT EXISTS " + name + " (" + table.schema().toDDL() + ")"
                    + " USING iceberg TBLPROPERTIES (" + propertyList(properties) + ")",
                    () -> exists(table));
        }
        Map<String, String> stored = checkStored(table);
        Map<String, String> missing = new TreeMap<>();
        TABLE_PROPERTIES.forEach((k, v) -> {
            if (!v.equals(stored.get(k))) {
                missing.put(k, v);
            }
        });
        if (!missing.isEmpty()) {
            spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES (" + propertyList(missing) + ")");
        }
    }

    /**
     * Runs a {@code CREATE … IF NOT EXISTS}. Two jobs starting at once can both find the object
     * missing; the catalog then refuses the second creation (the JDBC catalog with a primary-key
     * error), which is fine when the object now exists.
     */
    private void createUnlessRaced(String statement, BooleanSupplier exists) {
        try {
            spark.sql(statement);
        } catch (RuntimeException e) {
            if (!exists.getAsBoolean()) {
                throw e;
            }
        }
    }

    private static String propertyList(Map<String, String> properties) {
        return properties.entrySet().stream()
                .map(e -> "'" + e.getKey() + "'='" + e.getValue() + "'")
                .collect(Collectors.joining(", "));
    }

    /** The table's rows with the schema's columns, after checking the stored schema. */
    public Dataset<Row> read(TableSchema table) {
        if (!exists(table)) {
            throw new IllegalArgumentException("table " + table.name()
                    + " does not exist yet in catalog " + IcebergCatalog.NAME
                    + "; run the job that writes it first");
        }
        checkStored(table);
        return inTableOrder(table, spark.table(IcebergCatalog.qualified(table.name())));
    }

    /** {@code rows} with exactly {@code table}'s columns, in its order. */
    private static Dataset<Row> inTableOrder(TableSchema table, Dataset<Row> rows) {
        return rows.selectExpr(table.columns().toArray(String[]::new));
    }

    /** What a keyed merge does with a row whose key is stored already. */
    public enum MergeMode {
        /** Keep the stored row: a re-run adds only what is missing. */
        INSERT_NEW,
        /**
         * Replace the stored row when its {@code status} is {@link Tables#FAILED}, keep it
         * otherwise ({@code --retry-failed}).
         */
        REPLACE_FAILED,
        /**
         * Replace the stored row: for tables derived from others (a study) and for rows that a
         * deterministic evaluation writes the same way each time.
         */
        REPLACE
    }

    /**
     * Inserts the rows whose key is not in the table yet, in one commit. Rows repeating a key
     * within {@code rows} are written once.
     *
     * @throws SchemaMismatchException when {@code rows} does not have exactly the table's columns
     */
    public MergeResult merge(TableSchema table, Dataset<Row> rows) {
        return merge(table, rows, MergeMode.INSERT_NEW);
    }

    /**
     * A keyed merge in one commit; see {@link MergeMode}. The result counts inserted and
     * replaced rows.
     *
     * @throws SchemaMismatchException when {@code rows} does not have exactly the table's columns
     * @throws IllegalArgumentException when replacing failed rows of a table without a status
     */
    public MergeResult merge(TableSchema table, Dataset<Row> rows, MergeMode mode) {
        SchemaCheck.requireWritable(table, rows.schema());
        ensure(table);
        return commitMerge(table, rows, matchedClause(table, mode) + " WHEN NOT MATCHED THEN INSERT *");
    }

    /** One MERGE of {@code rows} (deduplicated on the key) into {@code table} with the given clauses. */
    private MergeResult commitMerge(TableSchema table, Dataset<Row> rows, String clauses) {
        String name = IcebergCatalog.qualified(table.name());
        return commit(table, rows, true, view -> "MERGE INTO " + name + " t USING " + view + " s ON "
                + keyMatch(table) + clauses);
    }

    /** One statement over {@code rows} (as a temporary view, deduplicated on the key if asked) in one commit. */
    private MergeResult commit(TableSchema table, Dataset<Row> rows, boolean deduplicate,
            java.util.function.UnaryOperator<String> statement) {
        String name = IcebergCatalog.qualified(table.name());
        String view = "nas_merge_" + UUID.randomUUID().toString().replace("-", "");
        Dataset<Row> columns = inTableOrder(table, rows);
        (deduplicate ? columns.dropDuplicates(table.key().toArray(String[]::new)) : columns)
                .createOrReplaceTempView(view);
        String writeId = UUID.randomUUID().toString();
        try {
            commitWithRetry(() -> spark.sql(statement.apply(view)), writeId);
        } finally {
            spark.catalog().dropTempView(view);
        }
        return result(table, writeId);
    }

    /** What write {@code writeId} committed to {@code table}. */
    private MergeResult result(TableSchema table, String writeId) {
        Snapshot ours = snapshotOf(IcebergCatalog.qualified(table.name()), writeId);
        String added = ours == null ? null : ours.summary().get(SnapshotSummary.ADDED_RECORDS_PROP);
        return new MergeResult(table.name(), added == null ? 0 : Long.parseLong(added),
                ours == null ? -1 : ours.snapshotId());
    }

    /**
     * Makes the rows of {@code table} whose {@code column} equals {@code value} exactly
     * {@code rows}, in one commit. For results recomputed whole, such as an analysis run again.
     * A slice not stored yet is appended, which unlike a merge does not read the table; the
     * price is that two writers of the same new slice at the same moment would both append it
     * (a later run of that slice replaces it whole again). A stored slice is overwritten: its
     * data files are dropped and the rows appended, which reads no data, since every write of a
     * slice puts it in files of its own and the table keeps the slice column's exact bounds.
     * Files that do not show that (written before those bounds were kept) make Iceberg refuse,
     * and the slice is then replaced by a merge: matching keys updated, new ones inserted, and
     * stored rows of the slice missing from {@code rows} deleted. The rows must not repeat a
     * key: a slice computed whole has each key once, so the append skips the shuffle that
     * deduplicating would cost.
     */
    public MergeResult replaceSlice(TableSchema table, Dataset<Row> rows, String column, String value) {
        SchemaCheck.requireWritable(table, rows.schema());
        ensure(table);
        String name = IcebergCatalog.qualified(table.name());
        Table stored = load(name);
        keepExactBounds(stored, name, column);
        if (!mayHold(stored, column, value) || spark.table(name).where(column + " = " + literal(value)).isEmpty()) {
            return insert(table, rows);
        }
        try {
            return overwrite(table, rows, column, value);
        } catch (RuntimeException e) {
            if (!dropsPartOfAFile(e)) {
                throw e;
            }
            return replaceByMerge(table, rows, column, value);
        }
    }

    /**
     * Replaces a slice by a merge: matching keys updated, new ones inserted, and stored rows of
     * the slice missing from {@code rows} deleted.
     */
    private MergeResult replaceByMerge(TableSchema table, Dataset<Row> rows, String column, String value) {
        return commitMerge(table, rows, " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
                + " WHEN NOT MATCHED BY SOURCE AND t." + column + " = " + literal(value) + " THEN DELETE");
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * Replaces the slice by dropping its data files and appending {@code rows}, in one commit
     * that touches only metadata for the old rows. Iceberg refuses it (see
     * {@link #dropsPartOfAFile}) when a file holds rows of the slice and others, or when its
     * bounds cannot show that it holds only the slice.
     */
    private MergeResult overwrite(TableSchema table, Dataset<Row> rows, String column, String value) {
        String name = IcebergCatalog.qualified(table.name());
        Dataset<Row> columns = inTableOrder(table, rows);
        String writeId = UUID.randomUUID().toString();
        commitWithRetry(() -> {
            try {
                columns.writeTo(name).overwrite(functions.col(column).equalTo(value));
            } catch (NoSuchTableException e) {
                throw new IllegalStateException("table " + name + " vanished during the write", e);
            }
        }, writeId);
        return result(table, writeId);
    }

    /** Whether Iceberg refused an overwrite because a file would be dropped with rows outside the slice. */
    private static boolean dropsPartOfAFile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ValidationException && String.valueOf(t.getMessage()).contains("some, but not all")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Keeps full bounds of a slice column in new files' metadata (by default strings are cut to
     * 16 characters), so that a slice's files can be shown to hold only that slice and dropped
     * whole by {@link #overwrite}. Returns whether it changed the table's properties.
     */
    private boolean keepExactBounds(Table stored, String name, String column) {
        String property = "write.metadata.metrics.column." + column;
        if ("full".equals(stored.properties().get(property))) {
            return false;
        }
        spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES ('" + property + "'='full')");
        return true;
    }

    /**
     * Appends rows whose keys cannot be stored yet, such as a record under a fresh random id, in
     * one commit, without the merge's read of the table.
     */
    public MergeResult appendNew(TableSchema table, Dataset<Row> rows) {
        SchemaCheck.requireWritable(table, rows.schema());
        ensure(table);
        return insert(table, rows);
    }

    /**
     * {@link #appendNew(TableSchema, Dataset)} for rows held on the driver, in the table's column
     * order: written by Iceberg's own writer and committed without a Spark job.
     */
    public MergeResult appendNew(TableSchema table, List<Row> rows) {
        ensure(table);
        Table stored = load(IcebergCatalog.qualified(table.name()));
        if (!stored.spec().isUnpartitioned()) {
            return insert(table, spark.createDataFrame(rows, table.schema()));
        }
        String writeId = UUID.randomUUID().toString();
        AppendFiles append = stored.newAppend();
        return commitDriverRows(table, stored, rows, append, append::appendFile, writeId);
    }

    /**
     * {@link #replaceSlice(TableSchema, Dataset, String, String)} for rows held on the driver, in
     * the table's column order: one overwrite that drops the slice's files and adds a file of
     * {@code rows}, written by Iceberg's own writer, without a Spark job.
     */
    public MergeResult replaceSlice(TableSchema table, List<Row> rows, String column, String value) {
        ensure(table);
        String name = IcebergCatalog.qualified(table.name());
        Table stored = load(name);
        if (keepExactBounds(stored, name, column)) {
            stored.refresh();
        }
        if (!stored.spec().isUnpartitioned()) {
            return replaceSlice(table, spark.createDataFrame(rows, table.schema()), column, value);
        }
        String writeId = UUID.randomUUID().toString();
        OverwriteFiles overwrite = stored.newOverwrite().overwriteByRowFilter(Expressions.equal(column, value));
        try {
            return commitDriverRows(table, stored, rows, overwrite, overwrite::addFile, writeId);
        } catch (RuntimeException e) {
            if (!dropsPartOfAFile(e)) {
                throw e;
            }
            return replaceByMerge(table, spark.createDataFrame(rows, table.schema()), column, value);
        }
    }

    /** Writes {@code rows} to a file, adds it to {@code update} and commits; the file is deleted if the commit fails. */
    private MergeResult commitDriverRows(TableSchema table, Table stored, List<Row> rows,
            SnapshotUpdate<?> update, java.util.function.Consumer<DataFile> add, String writeId) {
        DataFile file = rows.isEmpty() ? null : DriverFileWriter.write(stored, table.columns(), rows);
        try {
            if (file != null) {
                add.accept(file);
            }
            update.set(WRITE_ID_PROPERTY, writeId);
            update.commit();
        } catch (RuntimeException e) {
            if (file != null) {
                stored.io().deleteFile(file.location());
            }
            throw e;
        }
        Snapshot ours = stored.currentSnapshot(); // the commit made it current in this table object
        return new MergeResult(table.name(), rows.size(), ours == null ? -1 : ours.snapshotId());
    }

    /** One append of {@code rows}, not deduplicated. */
    private MergeResult insert(TableSchema table, Dataset<Row> rows) {
        String name = IcebergCatalog.qualified(table.name());
        return commit(table, rows, false, view -> "INSERT INTO " + name + " SELECT * FROM " + view);
    }

    /**
     * Whether a data file of the table may hold a row with {@code column = value}, from the
     * table's metadata alone (column bounds; strings' are truncated, so "may"): no Spark job.
     */
    private boolean mayHold(Table stored, String column, String value) {
        if (stored.currentSnapshot() == null) {
            return false;
        }
        try (CloseableIterable<FileScanTask> files = stored.newScan().filter(Expressions.equal(column, value))
                .planFiles()) {
            return files.iterator().hasNext();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String matchedClause(TableSchema table, MergeMode mode) {
        if (mode == MergeMode.INSERT_NEW) {
            return " WHEN MATCHED AND false THEN DELETE"; // never fires; see the class comment
        }
        if (mode == MergeMode.REPLACE) {
            return " WHEN MATCHED THEN UPDATE SET *";
        }
        if (!table.columns().contains("status")) {
            throw new IllegalArgumentException("table " + table.name()
                    + " has no status column, so it keeps no failed rows to retry");
        }
        return " WHEN MATCHED AND t.status = '" + Tables.FAILED + "' THEN UPDATE SET *";
    }

    /**
     * The key columns of the rows stored in {@code table} that a run should not compute again:
     * every row, or with {@code exceptFailed} only those whose status is not failed. Empty (with
     * the key columns) when the table does not exist yet.
     */
    public Dataset<Row> doneKeys(TableSchema table, boolean exceptFailed) {
        String[] key = table.key().toArray(String[]::new);
        if (!exists(table)) {
            return spark.createDataFrame(List.of(), keySchema(table));
        }
        Dataset<Row> rows = read(table);
        if (exceptFailed && table.columns().contains("status")) {
            rows = rows.where(functions.col("status").isNull()
                    .or(functions.col("status").notEqual(Tables.FAILED)));
        }
        return rows.selectExpr(key);
    }

    private static StructType keySchema(TableSchema table) {
        return new StructType(table.key().stream().map(table::field).toArray(StructField[]::new));
    }

    /** Runs {@code write}, tagging its snapshot, again when another commit won the race. */
    private void commitWithRetry(Runnable write, String writeId) {
        for (int attempt = 1; ; attempt++) {
            try {
                CommitMetadata.withCommitProperties(Map.of(WRITE_ID_PROPERTY, writeId), () -> {
                    write.run();
                    return null;
                }, RuntimeException.class);
                return;
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS || !isCommitConflict(e)) {
                    throw e;
                }
                backOff(attempt);
            }
        }
    }

    /** Whether {@code e} says another writer committed first (so a retry can succeed). */
    static boolean isCommitConflict(Throwable e) {
        if (dropsPartOfAFile(e)) {
            return false; // a refusal that a retry would only repeat
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ValidationException || t instanceof CommitFailedException) {
                return true;
            }
        }
        return false;
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(100L * attempt + ThreadLocalRandom.current().nextLong(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a commit", e);
        }
    }

    private static String keyMatch(TableSchema table) {
        return table.key().stream()
                .map(k -> "t." + k + " = s." + k)
                .collect(Collectors.joining(" AND "));
    }

    /** Checks the stored columns and schema version; returns the table's properties. */
    private Map<String, String> checkStored(TableSchema table) {
        String name = IcebergCatalog.qualified(table.name());
        SchemaCheck.requireReadable(table, spark.table(name).schema());
        Map<String, String> properties = load(name).properties();
        String stored = properties.getOrDefault(TableSchema.VERSION_PROPERTY, "");
        if (stored.matches("\\d+") && Integer.parseInt(stored) > table.version()) {
            throw new SchemaMismatchException("table " + table.name() + " has schema v" + stored
                    + " but this build knows only v" + table.version() + "; use a newer build");
        }
        return properties;
    }

    /** The snapshot that write {@code writeId} committed, searched from the newest back. */
    private Snapshot snapshotOf(String name, String writeId) {
        Table t = load(name);
        t.refresh();
        for (Snapshot s = t.currentSnapshot(); s != null;
                s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
            if (writeId.equals(s.summary().get(WRITE_ID_PROPERTY))) {
                return s;
            }
        }
        return null;
    }

    private Table load(String name) {
        try {
            return Spark3Util.loadIcebergTable(spark, name);
        } catch (ParseException | NoSuchTableException e) {
            throw new IllegalStateException("cannot load table " + name, e);
        }
    }
}
