package io.nasspark.jobs.maintain;

import io.nasspark.schema.IcebergCatalog;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What a table holds on storage: its snapshots, and its live data and delete files. */
public record TableHealth(long snapshots, long dataFiles, long deleteFiles, long bytes, long manifests) {

    public static TableHealth of(SparkSession spark, String table) {
        String name = IcebergCatalog.qualified(table);
        long snapshots = snapshots(spark, table);
        Row files = spark.sql("SELECT count_if(content = 0), count_if(content <> 0),"
                + " coalesce(sum(file_size_in_bytes), 0) FROM " + name + ".files").first();
        long manifests = spark.sql("SELECT count(*) FROM " + name + ".manifests").first().getLong(0);
        return new TableHealth(snapshots, files.getLong(0), files.getLong(1), files.getLong(2), manifests);
    }

    /** The table's snapshot count alone. */
    static long snapshots(SparkSession spark, String table) {
        return spark.sql("SELECT count(*) FROM " + IcebergCatalog.qualified(table) + ".snapshots").first().getLong(0);
    }

    String megabytes() {
        return String.format("%.2f", bytes / 1e6);
    }
}
