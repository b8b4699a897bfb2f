package io.nasspark.jobs.pareto;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The first pass of {@link PartitionFrontsFn}, reading a Parquet scan's column batches instead
 * of rows: no row is built, an objective is read straight from its column, an id is hashed where
 * it lies, and a dictionary-encoded group column is looked up once per dictionary entry and
 * batch rather than decoded for every row. Per group it does the same as the row pass
 * ({@link FirstPassGroup}), so the two give the same survivors, counts and sample.
 */
final class ColumnarFrontsFn implements FlatMapFunction<Iterator<ColumnarBatch>, Row> {

    private static final UTF8String NULL_VALUE = UTF8String.fromString("null");

    private final String groupColumn;
    private final int groupAt;
    private final int idAt;
    private final int archAt;
    private final int[] objectiveAt;
    private final double[] signs;
    private final int fronts;
    private final int sample;
    private final int buffer;

    /**
     * Positions in the batch of the group column (-1: none, one group "all"), the id, the arch
     * (-1: none) and the objectives (doubles, multiplied by {@code signs} to be minimised).
     */
    ColumnarFrontsFn(String groupColumn, int groupAt, int idAt, int archAt, int[] objectiveAt, double[] signs,
            int fronts, int sample, int buffer) {
        this.groupColumn = groupColumn;
        this.groupAt = groupAt;
        this.idAt = idAt;
        this.archAt = archAt;
        this.objectiveAt = objectiveAt.clone();
        this.signs = signs.clone();
        this.fronts = fronts;
        this.sample = sample;
        this.buffer = buffer;
    }

    @Override
    public Iterator<Row> call(Iterator<ColumnarBatch> batches) {
        FirstPassGroup.Registry groups = new FirstPassGroup.Registry();
        List<Row> out = new ArrayList<>();
        int dims = objectiveAt.length;
        double[] values = new double[dims];
        ColumnVector[] objectives = new ColumnVector[dims];
        Cursor cursor = new Cursor();
        FirstPassGroup[] byDictionaryId = new FirstPassGroup[16];
        while (batches.hasNext()) {
            ColumnarBatch batch = batches.next();
            for (int j = 0; j < dims; j++) {
                objectives[j] = batch.column(objectiveAt[j]);
            }
            ColumnVector group = groupAt < 0 ? null : batch.column(groupAt);
            // A dictionary holds for this batch only: the next may come from another row group.
            WritableColumnVector dictionaryIds = group instanceof WritableColumnVector w && w.hasDictionary()
                    ? w.getDictionaryIds() : null;
            Arrays.fill(byDictionaryId, null);
            cursor.setId(batch.column(idAt));
            cursor.arch = archAt < 0 ? null : batch.column(archAt);
            for (int i = 0, n = batch.numRows(); i < n; i++) {
                FirstPassGroup g;
                if (dictionaryIds != null && !group.isNullAt(i)) {
                    int entry = dictionaryIds.getInt(i);
                    if (entry >= byDictionaryId.length) {
                        byDictionaryId = Arrays.copyOf(byDictionaryId, Math.max(2 * byDictionaryId.length, entry + 1));
                    }
                    g = byDictionaryId[entry];
                    if (g == null) {
                        g = byDictionaryId[entry] = group(groups, group, i);
                    }
                } else {
                    g = group(groups, group, i);
                }
                g.inputRows++;
                if (!read(objectives, i, values)) {
                    g.excluded++;
                    continue;
                }
                cursor.at = i;
                g.add(values, cursor, out);
            }
        }
        groups.finish(out);
        return out.iterator();
    }

    private FirstPassGroup group(FirstPassGroup.Registry groups, ColumnVector group, int i) {
        UTF8String key = group == null || group.isNullAt(i) ? NULL_VALUE : group.getUTF8String(i);
        FirstPassGroup g = groups.get(key);
        if (g == null) {
            String label = group == null ? PartitionFrontsFn.label(List.of(), List.of())
                    : PartitionFrontsFn.label(List.of(groupColumn), java.util.Collections.singletonList(
                            group.isNullAt(i) ? null : key.toString()));
            g = groups.add(key, new FirstPassGroup(label, objectiveAt.length, fronts, sample, buffer));
        }
        return g;
    }

    /** Reads row {@code i}'s objectives, minimised, into {@code values}; false when one is null, NaN or infinite. */
    private boolean read(ColumnVector[] objectives, int i, double[] values) {
        for (int j = 0; j < objectives.length; j++) {
            if (objectives[j].isNullAt(i)) {
                return false;
            }
            values[j] = objectives[j].getDouble(i) * signs[j] + 0.0;
            if (!Double.isFinite(values[j])) {
                return false;
            }
        }
        return true;
    }

    /** The id and arch of the row being added. */
    private static final class Cursor implements FirstPassGroup.CurrentRow {
        ColumnVector id;
        /** The bytes behind a plain on-heap id column (offsets from the vector), else null. */
        private byte[] idBytes;
        ColumnVector arch;
        int at;

        void setId(ColumnVector vector) {
            id = vector;
            idBytes = null;
            if (vector instanceof WritableColumnVector w && !w.hasDictionary()
                    && w.arrayData() instanceof OnHeapColumnVector bytes) {
                ByteBuffer buffer = bytes.getByteBuffer(0, 0);
                idBytes = buffer.hasArray() && buffer.arrayOffset() == 0 ? buffer.array() : null;
            }
        }

        @Override
        public UTF8String id() {
            return id.isNullAt(at) ? null : id.getUTF8String(at);
        }

        @Override
        public UTF8String arch() {
            return arch == null || arch.isNullAt(at) ? null : arch.getUTF8String(at);
        }

        /** Hashes the id where it lies: every row's id is hashed, and a string object per row costs more than the hash. */
        @Override
        public long idHash() {
            if (idBytes == null || id.isNullAt(at)) {
                return FirstPassGroup.CurrentRow.super.idHash();
            }
            WritableColumnVector w = (WritableColumnVector) id;
            return FrontsFn.hash(idBytes, w.getArrayOffset(at), w.getArrayLength(at));
        }
    }
}
