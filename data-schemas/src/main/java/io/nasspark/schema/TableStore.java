package io.nasspark.schema;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
        long before = currentSnapshot(name);
        try {
            spark.sql("MERGE INTO " + name + " t USING " + view + " s ON " + keyMatch(table)
                    + " WHEN NOT MATCHED THEN INSERT *");
        } finally {
            spark.catalog().dropTempView(view);
        }
        long after = currentSnapshot(name);
        if (after == before) {
            return new MergeResult(table.name(), 0, -1);
        }
        return new MergeResult(table.name(), addedRecords(name, after), after);
    }

    private static String keyMatch(TableSchema table) {
        return table.key().stream()
                .map(k -> "t." + k + " = s." + k)
                .collect(Collectors.joining(" AND "));
    }

    private void checkStored(TableSchema table) {
        String name = IcebergCatalog.qualified(table.name());
        SchemaCheck.requireReadable(table, spark.table(name).schema());
        List<Row> version = spark.sql("SHOW TBLPROPERTIES " + name
                + " ('" + TableSchema.VERSION_PROPERTY + "')").collectAsList();
        String stored = version.isEmpty() ? "" : version.get(0).getString(1);
        if (stored.matches("\\d+") && Integer.parseInt(stored) > table.version()) {
            throw new SchemaMismatchException("table " + table.name() + " has schema v" + stored
                    + " but this build knows only v" + table.version() + "; use a newer build");
        }
    }

    private long currentSnapshot(String name) {
        List<Row> rows = spark.sql("SELECT snapshot_id FROM " + name
                + ".snapshots ORDER BY committed_at DESC LIMIT 1").collectAsList();
        return rows.isEmpty() ? -1 : rows.get(0).getLong(0);
    }

    private long addedRecords(String name, long snapshot) {
        List<Row> rows = spark.sql("SELECT summary['added-records'] FROM " + name
                + ".snapshots WHERE snapshot_id = " + snapshot).collectAsList();
        String added = rows.isEmpty() ? null : rows.get(0).getString(0);
        return added == null ? 0 : Long.parseLong(added);
    }
}
