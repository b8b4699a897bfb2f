package io.nasspark.jobs.maintain;

import io.nasspark.schema.IcebergCatalog;
import java.sql.Timestamp;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;

/**
 * Iceberg's maintenance procedures on one table, or, in a dry run, what they would touch,
 * found from the table's metadata tables.
 */
public final class TableMaintenance {

    /** Files under this share of the table's target file size are small (Iceberg's own default, 75 %). */
    private static final double SMALL_SHARE = 0.75;

    private final SparkSession spark;
    private final String table;
    private final String name;
    private final boolean dryRun;

    public TableMaintenance(SparkSession spark, String table, boolean dryRun) {
        this.spark = spark;
        this.table = table;
        this.name = IcebergCatalog.qualified(table);
        this.dryRun = dryRun;
    }

    /** Data files rewritten into fewer (or that would be), manifests rewritten too. */
    public long compact() {
        if (dryRun) {
            long target = spark.sql("SHOW TBLPROPERTIES " + name + " ('write.target-file-size-bytes')")
                    .collectAsList().stream().map(r -> r.getString(1)).filter(v -> v.matches("\\d+"))
                    .mapToLong(Long::parseLong).findFirst().orElse(512L * 1024 * 1024);
            Row small = spark.sql("SELECT count(*) FROM " + name + ".files WHERE content = 0 AND file_size_in_bytes < "
                    + (long) (target * SMALL_SHARE)).first();
            return small.getLong(0) >= 2 ? small.getLong(0) : 0;
        }
        Row rewritten = spark.sql("CALL " + IcebergCatalog.NAME + ".system.rewrite_data_files(table => '" + name
                + "', options => map('min-input-files', '2', 'delete-file-threshold', '1'))").first();
        spark.sql("CALL " + IcebergCatalog.NAME + ".system.rewrite_manifests('" + name + "')").collectAsList();
        return rewritten.getInt(0);
    }

    /** Snapshots expired (or that would be): older than {@code before}, not among the last {@code retainLast}. */
    public long expire(Timestamp before, int retainLast) {
        if (dryRun) {
            return spark.sql("SELECT count(*) FROM (SELECT committed_at, row_number() OVER (ORDER BY committed_at DESC) AS n"
                    + " FROM " + name + ".snapshots) WHERE n > " + retainLast + " AND committed_at < TIMESTAMP '"
                    + before + "'").first().getLong(0);
        }
        long snapshots = TableHealth.snapshots(spark, table);
        spark.sql("CALL " + IcebergCatalog.NAME + ".system.expire_snapshots(table => '" + name
                + "', older_than => TIMESTAMP '" + before + "', retain_last => " + retainLast + ")").collectAsList();
        return snapshots - TableHealth.snapshots(spark, table);
    }

    /**
     * Files under the table's location that no snapshot names, older than {@code before}:
     * removed, or only listed in a dry run. Iceberg's action rather than its procedure, which
     * refuses ages under a day; {@link MaintainJob} warns about short ones instead.
     */
    public List<String> removeOrphans(Timestamp before) {
        try {
            DeleteOrphanFiles action = SparkActions.get(spark)
                    .deleteOrphanFiles(Spark3Util.loadIcebergTable(spark, name))
                    .olderThan(before.getTime());
            if (dryRun) {
                action = action.deleteWith(file -> { });
            }
            return StreamSupport.stream(action.execute().orphanFileLocations().spliterator(), false).sorted().toList();
        } catch (ParseException | NoSuchTableException e) {
            throw new IllegalStateException("cannot load table " + name + ": " + e.getMessage(), e);
        }
    }
}
