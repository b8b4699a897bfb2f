package io.nasspark.jobs.pareto;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A group's sample for plots: of the points offered, the {@code size} with the smallest hash of
 * their id, each id once. That is a bottom-k sample, so the samples of partitions merge into
 * the sample of their union, whatever the partitioning. Both passes of the distributed sort keep
 * one per group.
 *
 * <p>Offers land in arrays of twice the size; when those fill they are cut to the {@code size}
 * smallest hashes, and the largest hash kept becomes the bound a later offer must not exceed.
 * A rejected offer thus costs one comparison and a kept one O(log size) on average.
 */
final class PlotSample {

    /** One sampled point: its id's hash, id, architecture and minimised objectives. */
    record Entry(long hash, String id, String arch, double[] values) {}

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::hash)
            .thenComparing(Entry::id, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final int size;
    private Entry[] entries;
    private int count;
    private boolean cut;
    private long bound;

    PlotSample(int size) {
        this.size = size;
        this.entries = new Entry[Math.min(2 * size, 64)];
    }

    /** Whether a point with this hash could enter the sample now (so a caller can skip building it). */
    boolean wants(long hash) {
        return size > 0 && (!cut || hash <= bound);
    }

    /** Offers a point; one whose hash it does not {@link #wants} is ignored. */
    void offer(long hash, String id, String arch, double[] values) {
        if (!wants(hash)) {
            return;
        }
        if (count == entries.length) {
            if (count < 2 * size) {
                entries = Arrays.copyOf(entries, Math.min(2 * count, 2 * size));
            } else {
                cutToSize();
                if (count == entries.length) {
                    sortAndDeduplicate(); // every entry repeats an id: at most size remain
                }
            }
        }
        entries[count++] = new Entry(hash, id, arch, values);
    }

    /** The sample, by ascending (hash, id). */
    List<Entry> entries() {
        cutToSize();
        sortAndDeduplicate();
        return Arrays.asList(Arrays.copyOf(entries, count));
    }

    /**
     * Keeps the entries with the {@code size} smallest distinct hashes: the bound is found on a
     * primitive copy of the hashes, so only the final {@link #entries} sorts entries. Entries
     * sharing a hash (the same id offered twice) may briefly exceed the size.
     */
    private void cutToSize() {
        if (count > size) {
            long[] hashes = new long[count];
            for (int i = 0; i < count; i++) {
                hashes[i] = entries[i].hash();
            }
            Arrays.sort(hashes);
            int distinct = 0;
            long last = 0;
            for (int i = 0; i < count && distinct < size; i++) {
                if (i == 0 || hashes[i] != last) {
                    distinct++;
                    last = hashes[i];
                }
            }
            int kept = 0;
            for (int i = 0; i < count; i++) {
                if (entries[i].hash() <= last) {
                    entries[kept++] = entries[i];
                }
            }
            Arrays.fill(entries, kept, count, null);
            count = kept;
            if (distinct == size) {
                cut = true;
                bound = last;
            }
        }
    }

    private void sortAndDeduplicate() {
        Arrays.sort(entries, 0, count, ORDER);
        int kept = 0;
        for (int i = 0; i < count && kept < size; i++) {
            if (kept == 0 || !Objects.equals(entries[kept - 1].id(), entries[i].id())) {
                entries[kept++] = entries[i];
            }
        }
        Arrays.fill(entries, kept, count, null);
        count = kept;
    }

    /** The sample's ids, architectures and values (flattened, {@code dims} per point), for a row of arrays. */
    static Object[] columns(List<Entry> sample, int dims) {
        String[] ids = new String[sample.size()]; // arrays: Spark's row encoder takes them, not Java lists
        String[] archs = new String[sample.size()];
        double[] values = new double[sample.size() * dims];
        for (int i = 0; i < sample.size(); i++) {
            ids[i] = sample.get(i).id();
            archs[i] = sample.get(i).arch();
            System.arraycopy(sample.get(i).values(), 0, values, i * dims, dims);
        }
        return new Object[] {ids, archs, values};
    }
}
