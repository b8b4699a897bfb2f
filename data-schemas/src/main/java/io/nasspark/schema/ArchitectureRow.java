package io.nasspark.schema;

import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** One row of {@link Tables#ARCHITECTURES}; {@link #toRow()} follows the table's column order. */
public record ArchitectureRow(
        String id,
        String space,
        int spaceVersion,
        String arch,
        String canonicalId,
        String encoding,
        long flops,
        long params,
        long memoryAccesses,
        int inputSize,
        int classes,
        String sampler,
        Long seed,
        long sampleIndex,
        String runId,
        Timestamp createdAt) {

    /** The Spark row, columns in {@link Tables#ARCHITECTURES} order. */
    public Row toRow() {
        return RowFactory.create(id, space, spaceVersion, arch, canonicalId, encoding, flops, params,
                memoryAccesses, inputSize, classes, sampler, seed, sampleIndex, runId, createdAt);
    }

    /** Reads a row of the table (as {@link TableStore#read} returns it). */
    public static ArchitectureRow fromRow(Row r) {
        return new ArchitectureRow(
                r.getAs("id"), r.getAs("space"), r.<Integer>getAs("space_version"), r.getAs("arch"),
                r.getAs("canonical_id"), r.getAs("encoding"), r.<Long>getAs("flops"),
                r.<Long>getAs("params"), r.<Long>getAs("memory_accesses"), r.<Integer>getAs("input_size"),
                r.<Integer>getAs("classes"), r.getAs("sampler"), r.getAs("seed"),
                r.<Long>getAs("sample_index"), r.getAs("run_id"), r.getAs("created_at"));
    }
}
