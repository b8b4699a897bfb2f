package io.nasspark.schema;

/**
 * What one keyed write did.
 *
 * @param table the table written
 * @param rowsAdded rows whose key was new
 * @param snapshotId the Iceberg snapshot the write committed, or -1 when nothing was new
 */
public record MergeResult(String table, long rowsAdded, long snapshotId) {}
