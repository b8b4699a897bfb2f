package io.nasspark.jobs.pareto;

import io.nasspark.pareto.DominanceFilter;
import io.nasspark.pareto.StreamingFronts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One group's state in the first pass of the distributed non-dominated sort, whichever way the
 * partition is read ({@link PartitionFrontsFn} over rows, {@link ColumnarFrontsFn} over column
 * batches): its counts, its plot sample, and a buffer of rows that may still be on the first R
 * fronts.
 *
 * <p>The buffer is ranked in memory and cut to its first R fronts when it fills (first at 256
 * rows, then at twice what the last cut kept), and the members of front R become the threshold:
 * a later row that one of them dominates has R dominators in a chain, so its global rank exceeds
 * R and it is dropped on arrival. On typical data almost every row is dropped by that test
 * ({@link DominanceFilter}: two comparisons for most rows in two dimensions). When even the first
 * R fronts fill the buffer (fronts as large as the buffer, as on anti-correlated objectives)
 * they are emitted as they are and the buffer starts again, so memory stays bounded by the
 * buffer.
 */
final class FirstPassGroup {

    /**
     * Rows a group buffers before its first cut. Small, so that a threshold exists early: with
     * many groups, buffering the full buffer of each before any row is dropped costs more than
     * the scan.
     */
    private static final int FIRST_CUT = 256;

    /**
     * The row being added, read only when needed. Its strings may be views of the row's bytes,
     * valid until the next row.
     */
    interface CurrentRow {
        UTF8String id();

        UTF8String arch();

        /** {@link FrontsFn#hash} of the id. */
        default long idHash() {
            return FrontsFn.hash(id());
        }
    }

    /** A buffered row that may still be on the first R fronts. */
    private record Pending(String id, String arch, double[] values) {}

    private final String label;
    /** The key its partition's {@link Registry} knows it by. */
    private UTF8String key;
    private final int dims;
    private final int fronts;
    private final int buffer;
    private final PlotSample sampled;
    /** Whether there is a plot sample at all: without one, ids are not even hashed. */
    private final boolean sampling;
    private List<Pending> pending = new ArrayList<>();
    private DominanceFilter threshold;
    private int compactAt;
    long inputRows;
    long excluded;

    FirstPassGroup(String label, int dims, int fronts, int sample, int buffer) {
        this.label = label;
        this.dims = dims;
        this.fronts = fronts;
        this.buffer = buffer;
        this.sampled = new PlotSample(sample, dims);
        this.sampling = sample > 0;
        this.threshold = DominanceFilter.empty(dims);
        this.compactAt = Math.min(buffer, FIRST_CUT);
    }

    /** Adds a complete row: its minimised objectives in {@code values}, which the caller reuses. */
    void add(double[] values, CurrentRow row, List<Row> out) {
        if (sampling) {
            long hash = row.idHash();
            if (sampled.wants(hash)) {
                sampled.offer(hash, row.id(), row.arch(), values);
            }
        }
        if (threshold.dominates(values)) {
            return;
        }
        pending.add(new Pending(string(row.id()), string(row.arch()), values.clone()));
        if (pending.size() >= compactAt) {
            compact(out);
        }
    }

    private static String string(UTF8String s) {
        return s == null ? null : s.toString();
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

    /** Emits what is left: the buffer's first fronts, then the count row with the plot sample. */
    void finish(List<Row> out) {
        if (!pending.isEmpty()) {
            compact(out);
            emit(out);
        }
        out.add(FrontsFn.countRow(label, inputRows, excluded, dims, sampled.entries()));
    }

    /**
     * A partition's groups by key. Rows often come in runs of one group, so the last group found
     * is tried before the map.
     */
    static final class Registry {
        private final Map<UTF8String, FirstPassGroup> groups = new HashMap<>();
        private UTF8String lastKey;
        private FirstPassGroup last;

        /** The group of {@code key}, or null when it has none yet. */
        FirstPassGroup get(UTF8String key) {
            if (!key.equals(lastKey)) {
                FirstPassGroup g = groups.get(key);
                if (g == null) {
                    return null;
                }
                last = g;
                lastKey = g.key;
            }
            return last;
        }

        /** Registers a new group under a copy of {@code key}. */
        FirstPassGroup add(UTF8String key, FirstPassGroup group) {
            group.key = key.clone(); // a row's bytes are reused for the next row
            lastKey = group.key;
            last = group;
            groups.put(group.key, group);
            return group;
        }

        void finish(List<Row> out) {
            for (FirstPassGroup g : groups.values()) {
                g.finish(out);
            }
        }
    }
}
