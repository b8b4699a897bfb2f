package io.nasspark.jobs.pareto;

import io.nasspark.pareto.DominanceFilter;
import io.nasspark.pareto.StreamingFronts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The first pass of the distributed non-dominated sort, on the input's partitions as they come
 * (unsorted, groups interleaved), in the same scan that counts the rows: it keeps, per group,
 * only rows that can still be in the first R fronts, a bottom-k sample for plots, and the counts.
 *
 * <p>A group's rows collect in a buffer; when it fills (first at 256 rows, then at twice what
 * the last cut kept), the buffer is ranked in memory and cut to its first R fronts, and the
 * members of front R become the threshold: a later row that one
 * of them dominates has R dominators in a chain, so its global rank exceeds R and it is dropped
 * on arrival. On typical data almost every row is dropped by that test, a binary search in two
 * dimensions ({@link DominanceFilter}). When even the first R fronts fill the buffer (fronts as
 * large as the buffer, as on anti-correlated objectives) they are emitted as they are and the
 * buffer starts again, so memory stays bounded by the buffer per group. {@link FrontsFn} then
 * ranks the survivors of all partitions exactly.
 *
 * <p>It reads Spark's internal rows (the group columns as strings, id, arch, the minimised
 * objectives): a dropped row then costs a hash lookup of its group, a hash of its id and a few
 * comparisons, and only survivors and sampled rows become Java strings. The group's label
 * ({@code col=value,...}) is made once per group, not per row.
 */
final class PartitionFrontsFn implements FlatMapFunction<Iterator<InternalRow>, Row> {

    /**
     * Rows a group buffers before its first cut. Small, so that a threshold exists early: with
     * many groups, buffering the full {@code buffer} rows of each before any is dropped costs more
     * than the scan. Later cuts come when the buffer has doubled since the last.
     */
    private static final int FIRST_CUT = 256;

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
        Map<UTF8String, Group> groups = new HashMap<>();
        List<Row> out = new ArrayList<>();
        double[] values = new double[dims];
        int idAt = groupBy.size();
        UTF8String lastKey = null;
        Group last = null;
        while (rows.hasNext()) {
            InternalRow r = rows.next();
            UTF8String key = key(r);
            if (!key.equals(lastKey)) { // rows often come in runs of one group: skip the lookup then
                last = groups.get(key);
                if (last == null) {
                    last = new Group(key.clone(), label(r)); // the row's bytes are reused for the next row
                    groups.put(last.key, last);
                }
                lastKey = last.key;
            }
            last.inputRows++;
            if (!read(r, idAt + 2, values)) {
                last.excluded++;
                continue;
            }
            last.add(r, idAt, values, out);
        }
        for (Group g : groups.values()) {
            g.finish(out);
        }
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
        if (groupBy.isEmpty()) {
            return "all";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            parts.add(groupBy.get(i) + "=" + (r.isNullAt(i) ? "null" : r.getUTF8String(i).toString()));
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

    private static String string(InternalRow r, int i) {
        return r.isNullAt(i) ? null : r.getUTF8String(i).toString();
    }

    /** A buffered row that may still be on the first R fronts. */
    private record Pending(String id, String arch, double[] values) {}

    private final class Group {
        final UTF8String key;
        final String label;
        List<Pending> pending = new ArrayList<>();
        DominanceFilter threshold = DominanceFilter.empty(dims);
        int compactAt = Math.min(buffer, FIRST_CUT);
        final PlotSample sampled = new PlotSample(sample);
        long inputRows;
        long excluded;

        Group(UTF8String key, String label) {
            this.key = key;
            this.label = label;
        }

        void add(InternalRow r, int idAt, double[] values, List<Row> out) {
            if (sample > 0) {
                long hash = FrontsFn.hash(r.isNullAt(idAt) ? null : r.getUTF8String(idAt));
                if (sampled.wants(hash)) {
                    sampled.offer(hash, string(r, idAt), string(r, idAt + 1), values.clone());
                }
            }
            if (threshold.dominates(values)) {
                return;
            }
            pending.add(new Pending(string(r, idAt), string(r, idAt + 1), values.clone()));
            if (pending.size() >= compactAt) {
                compact(out);
            }
        }

        /** Cuts the buffer to its first R fronts and takes front R as the new threshold. */
        private void compact(List<Row> out) {
            pending.sort((a, b) -> StreamingFronts.compare(a.values(), b.values()));
            StreamingFronts ranking = new StreamingFronts(dims, fronts);
            List<Pending> kept = new ArrayList<>();
            List<double[]> lastFront = new ArrayList<>();
            for (Pending p : pending) {
                int rank = ranking.add(p.values());
                if (rank > 0) {
                    kept.add(p);
                    if (rank == fronts) {
                        lastFront.add(p.values());
                    }
                }
            }
            if (!lastFront.isEmpty()) {
                threshold = new DominanceFilter(lastFront, dims);
            }
            pending = kept;
            if (pending.size() >= buffer) {
                emit(out); // fronts as large as the buffer: pass them on rather than grow
            }
            compactAt = Math.max(Math.min(buffer, FIRST_CUT), 2 * pending.size());
        }

        private void emit(List<Row> out) {
            for (Pending p : pending) {
                out.add(FrontsFn.pointRow(FrontsFn.POINT, label, p.id(), p.arch(), p.values(), null, null));
            }
            pending = new ArrayList<>();
        }

        void finish(List<Row> out) {
            if (!pending.isEmpty()) {
                compact(out);
                emit(out);
            }
            out.add(FrontsFn.countRow(label, inputRows, excluded, dims, sampled.entries()));
        }
    }
}
