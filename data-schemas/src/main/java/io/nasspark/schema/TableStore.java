package io.nasspark.schema;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;

/**
 * The one validating reader and writer every job uses. A write is a keyed {@code MERGE INTO}:
 * one Iceberg commit that inserts only rows whose key is not stored yet, so a re-run adds no
 * duplicates and a job that dies before its commit leaves the table as it was.
 */
public final class TableStore {

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
        spark.sql("CREATE NAMESPACE IF NOT EXISTS " + IcebergCatalog.NAME + "." + IcebergCatalog.NAMESPACE);
        spark.sql("CREATE TABLE IF NOT EXISTS " + name + " (" + table.schema().toDDL() + ")"
                + " USING iceberg TBLPROPERTIES ("
                + "'format-version'='2',"
                + "'write.metadata.delete-after-commit.enabled'='true',"
                + "'write.metadata.previous-versions-max'='50',"
                + "'" + TableSchema.VERSION_PROPERTY + "'='" + table.version() + "')");
        checkStored(table);
    }

    /** The table's rows with the schema's columns, after checking the stored schema. */
    public Dataset<Row> read(TableSchema table) {
        if (!exists(table)) {
            throw new IllegalArgumentException("table " + table.name()
                    + " does not exist yet in catalog " + IcebergCatalog.NAME
                    + "; run the job that writes it first");
        }
        checkStored(table);
        return spark.table(IcebergCatalog.qualified(table.name()))
                .selectExpr(table.columns().toArray(String[]::new));
    }

    /**
     * Inserts the rows whose key is not in the table yet, in one commit. Rows repeating a key
     * within {@code rows} are written once.
     *
     * @throws SchemaMismatchException when {@code rows} does not have exactly the table's columns
     */
    public MergeResult merge(TableSchema table, Dataset<Row> rows) {
        SchemaCheck.requireWritable(table, rows.schema());
        ensure(table);
        String name = IcebergCatalog.qualified(table.name());
        String view = "nas_merge_" + UUID.randomUUID().toString().replace("-", "");
        Dataset<Row> source = rows
                .selectExpr(table.columns().toArray(String[]::new))
                .dropDuplicates(table.key().toArray(String[]::new));
        source.createOrReplaceTempView(view);
        Snapshot before = currentSnapshot(name);
        try {
            spark.sql("MERGE INTO " + name + " t USING " + view + " s ON " + keyMatch(table)
                    + " WHEN NOT MATCHED THEN INSERT *");
        } finally {
            spark.catalog().dropTempView(view);
        }
        Snapshot after = currentSnapshot(name);
        if (after == null || (before != null && after.snapshotId() == before.snapshotId())) {
            return new MergeResult(table.name(), 0, -1);
        }
        String added = after.summary().get(SnapshotSummary.ADDED_RECORDS_PROP);
        return new MergeResult(table.name(), added == null ? 0 : Long.parseLong(added), after.snapshotId());
    }

    private static String keyMatch(TableSchema table) {
        return table.key().stream()
                .map(k -> "t." + k + " = s." + k)
                .collect(Collectors.joining(" AND "));
    }

    private void checkStored(TableSchema table) {
        String name = IcebergCatalog.qualified(table.name());
        SchemaCheck.requireReadable(table, spark.table(name).schema());
        String stored = load(name).properties().getOrDefault(TableSchema.VERSION_PROPERTY, "");
        if (stored.matches("\\d+") && Integer.parseInt(stored) > table.version()) {
            throw new SchemaMismatchException("table " + table.name() + " has schema v" + stored
                    + " but this build knows only v" + table.version() + "; use a newer build");
        }
    }

    /** The table's current snapshot (null for a table never written). */
    private Snapshot currentSnapshot(String name) {
        Table t = load(name);
        t.refresh();
        return t.currentSnapshot();
    }

    private Table load(String name) {
        try {
            return Spark3Util.loadIcebergTable(spark, name);
        } catch (ParseException | NoSuchTableException e) {
            throw new IllegalStateException("cannot load table " + name, e);
        }
    }
}
