package io.nasspark.schema;

/**
 * What one keyed write did.
 *
 * @param table the table written
 * @param rowsAdded rows whose key was new
 * @param snapshotId the Iceberg snapshot the write committed (a re-run that adds nothing commits
 *     an empty one), or -1 when it committed none
 */
public record MergeResult(String table, long rowsAdded, long snapshotId) {}
