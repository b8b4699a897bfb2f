package io.nasspark.jobs.pareto;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The first pass of the distributed non-dominated sort over rows, for any input (a join of the
 * tables, a filtered or CSV file): on the input's partitions as they come (unsorted, groups
 * interleaved), in the same scan that counts the rows, it keeps per group only rows that can
 * still be in the first R fronts, a bottom-k sample for plots, and the counts
 * ({@link FirstPassGroup}). {@link FrontsFn} then ranks the survivors of all partitions exactly.
 * A plain Parquet input is read by {@link ColumnarFrontsFn} instead.
 *
 * <p>It reads Spark's internal rows (the group columns as strings, id, arch, the minimised
 * objectives): a dropped row then costs a lookup of its group, a hash of its id and a few
 * comparisons, and only survivors and sampled rows become Java strings. The group's label
 * ({@code col=value,...}) is made once per group, not per row.
 */
final class PartitionFrontsFn implements FlatMapFunction<Iterator<InternalRow>, Row> {

    private static final UTF8String NULL_VALUE = UTF8String.fromString("null");
    private static final UTF8String KEY_SEPARATOR = UTF8String.fromString("\u0000");

    private final List<String> groupBy;
    private final int dims;
    private final int fronts;
    private final int sample;
    private final int buffer;

    /** Rows: the {@code groupBy} columns as strings, id, arch, then {@code dims} minimised objectives. */
    PartitionFrontsFn(List<String> groupBy, int dims, int fronts, int sample, int buffer) {
        this.groupBy = List.copyOf(groupBy);
        this.dims = dims;
        this.fronts = fronts;
        this.sample = sample;
        this.buffer = buffer;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        FirstPassGroup.Registry groups = new FirstPassGroup.Registry();
        List<Row> out = new ArrayList<>();
        double[] values = new double[dims];
        int idAt = groupBy.size();
        Cursor cursor = new Cursor(idAt);
        while (rows.hasNext()) {
            InternalRow r = rows.next();
            UTF8String key = key(r);
            FirstPassGroup g = groups.get(key);
            if (g == null) {
                g = groups.add(key, new FirstPassGroup(label(r), dims, fronts, sample, buffer));
            }
            g.inputRows++;
            if (!read(r, idAt + 2, values)) {
                g.excluded++;
                continue;
            }
            cursor.row = r;
            g.add(values, cursor, out);
        }
        groups.finish(out);
        return out.iterator();
    }

    /** The row's group as one string (one column's value as it is; several joined by NUL). */
    private UTF8String key(InternalRow r) {
        if (groupBy.isEmpty()) {
            return NULL_VALUE;
        }
        if (groupBy.size() == 1) {
            return r.isNullAt(0) ? NULL_VALUE : r.getUTF8String(0);
        }
        UTF8String[] parts = new UTF8String[groupBy.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = r.isNullAt(i) ? NULL_VALUE : r.getUTF8String(i);
        }
        return UTF8String.concatWs(KEY_SEPARATOR, parts);
    }

    /** The group's label as pareto stores it: {@code col=value,...}, or {@code all} without --group-by. */
    private String label(InternalRow r) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            values.add(r.isNullAt(i) ? null : r.getUTF8String(i).toString());
        }
        return label(groupBy, values);
    }

    /** {@code col=value,...} (a null value as "null"), or {@code all} without group columns. */
    static String label(List<String> groupBy, List<String> values) {
        if (groupBy.isEmpty()) {
            return "all";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            parts.add(groupBy.get(i) + "=" + (values.get(i) == null ? "null" : values.get(i)));
        }
        return String.join(",", parts);
    }

    /** Reads the objectives into {@code values}; false when one is null, NaN or infinite. */
    private boolean read(InternalRow r, int from, double[] values) {
        for (int i = 0; i < dims; i++) {
            if (r.isNullAt(from + i)) {
                return false;
            }
            values[i] = r.getDouble(from + i);
            if (!Double.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }

    /** The id and arch of the row being added. */
    private static final class Cursor implements FirstPassGroup.CurrentRow {
        private final int idAt;
        InternalRow row;

        Cursor(int idAt) {
            this.idAt = idAt;
        }

        @Override
        public UTF8String id() {
            return row.isNullAt(idAt) ? null : row.getUTF8String(idAt);
        }

        @Override
        public UTF8String arch() {
            return row.isNullAt(idAt + 1) ? null : row.getUTF8String(idAt + 1);
        }
    }
}
