package io.nasspark.jobs.pareto;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A group's sample for plots: of the points offered, the {@code size} with the smallest hash of
 * their id (a bottom-k sample, so the samples of partitions merge into a sample of their union).
 * Both passes of the distributed sort keep one per group.
 */
final class PlotSample {

    private record Entry(long hash, Row row) {}

    private final int size;
    /** Largest hash first, so the head is the one to drop. */
    private final PriorityQueue<Entry> kept = new PriorityQueue<>(
            Comparator.comparingLong(Entry::hash).reversed());
    private final Set<String> ids = new HashSet<>();

    PlotSample(int size) {
        this.size = size;
    }

    /** Whether a point with this hash would enter the sample now (so a caller can skip building its row). */
    boolean wants(long hash) {
        return size > 0 && (kept.size() < size || hash < kept.peek().hash());
    }

    /** Offers a row of the FrontsFn schema; a row seen before (by id) is ignored. */
    void offer(long hash, Row r) {
        if (!wants(hash) || !ids.add(r.getString(2))) {
            return; // a row can arrive twice, as a survivor and as a sampled row
        }
        kept.add(new Entry(hash, r));
        if (kept.size() > size) {
            ids.remove(kept.poll().row().getString(2));
        }
    }

    /** Adds the sampled rows to {@code out}, marked as samples. */
    void emit(List<Row> out, int dims) {
        for (Entry e : kept) {
            Object[] v = new Object[8 + dims];
            v[0] = FrontsFn.SAMPLE;
            for (int i = 1; i < 4 + dims; i++) {
                v[i] = e.row().get(i);
            }
            v[4 + dims] = 0L;
            v[5 + dims] = 0L;
            out.add(RowFactory.create(v));
        }
    }
}
