package io.nasspark.jobs.pareto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A group's sample for plots: of the points offered, the {@code size} with the smallest hash of
 * their id, each id once. That is a bottom-k sample, so the samples of partitions merge into
 * the sample of their union, whatever the partitioning. Both passes of the distributed sort keep
 * one per group.
 *
 * <p>Offers land in arrays of twice the size; when those fill they are cut to the {@code size}
 * smallest hashes, and the largest hash kept becomes the bound a later offer must not exceed.
 * A rejected offer thus costs one comparison. A group of n rows still takes about
 * 2k(1 + ln(n/2k)) offers before its bound settles (a fifth of the rows of a group of 50,000
 * with k = 2,000), so an offer allocates nothing: its hash and values go into primitive arrays
 * and its id and arch bytes into one byte array, and strings are made only for the final sample.
 */
final class PlotSample {

    /** One sampled point: its id's hash, id, architecture and minimised objectives. */
    record Entry(long hash, String id, String arch, double[] values) {}

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::hash)
            .thenComparing(Entry::id, Comparator.nullsFirst(Comparator.naturalOrder()));
    private static final int NULL = -1;

    private final int size;
    private final int dims;
    private long[] hashes = new long[0];
    private double[] values = new double[0];
    /** Where each entry's id and arch bytes start in {@link #bytes}, and their lengths ({@link #NULL}: null). */
    private int[] idAt = new int[0];
    private int[] idLength = new int[0];
    private int[] archLength = new int[0];
    private byte[] bytes = new byte[0];
    private int used;
    private int count;
    private boolean cut;
    private long bound;
    private long[] scratch = new long[0];

    PlotSample(int size, int dims) {
        this.size = size;
        this.dims = dims;
        resize(Math.min(2 * size, 16)); // small: a partition may hold many groups
    }

    /** Whether a point with this hash could enter the sample now (so a caller can skip reading it). */
    boolean wants(long hash) {
        return size > 0 && (!cut || hash <= bound);
    }

    /** Offers a point; one whose hash it does not {@link #wants} is ignored. Nothing offered is kept by reference. */
    void offer(long hash, UTF8String id, UTF8String arch, double[] point) {
        if (!wants(hash)) {
            return;
        }
        if (count == hashes.length) {
            if (count < 2 * size) {
                resize(Math.min(2 * count, 2 * size));
            } else {
                cutToSize();
                if (count == hashes.length) {
                    reload(sortedDistinct()); // every entry repeats an id: at most size remain
                }
            }
        }
        store(hash, id, arch, point);
    }

    private void store(long hash, UTF8String id, UTF8String arch, double[] point) {
        int i = count++;
        hashes[i] = hash;
        System.arraycopy(point, 0, values, i * dims, dims);
        idAt[i] = used;
        idLength[i] = append(id);
        archLength[i] = append(arch);
    }

    /** {@link #offer(long, UTF8String, UTF8String, double[])} of Java strings. */
    void offer(long hash, String id, String arch, double[] point) {
        if (wants(hash)) {
            offer(hash, id == null ? null : UTF8String.fromString(id), arch == null ? null : UTF8String.fromString(arch),
                    point);
        }
    }

    /** The sample, by ascending (hash, id). */
    List<Entry> entries() {
        cutToSize();
        List<Entry> sample = sortedDistinct();
        reload(sample);
        return sample;
    }

    /** The entries in (hash, id) order, the first of each id, at most size. */
    private List<Entry> sortedDistinct() {
        List<Entry> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(entry(i));
        }
        all.sort(ORDER);
        List<Entry> out = new ArrayList<>();
        for (Entry e : all) {
            if (out.size() == size) {
                break;
            }
            if (out.isEmpty() || !Objects.equals(out.get(out.size() - 1).id(), e.id())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Makes {@code entries} the whole content. */
    private void reload(List<Entry> entries) {
        count = 0;
        used = 0;
        for (Entry e : entries) {
            store(e.hash(), e.id() == null ? null : UTF8String.fromString(e.id()),
                    e.arch() == null ? null : UTF8String.fromString(e.arch()), e.values());
        }
    }

    /** Copies a string's bytes to the end of {@link #bytes}; returns its length, or {@link #NULL}. */
    private int append(UTF8String s) {
        if (s == null) {
            return NULL;
        }
        int n = s.numBytes();
        if (used + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(Math.max(2 * bytes.length, used + n), 256));
        }
        s.writeToMemory(bytes, Platform.BYTE_ARRAY_OFFSET + used);
        used += n;
        return n;
    }

    private Entry entry(int i) {
        int archAt = idAt[i] + Math.max(idLength[i], 0);
        return new Entry(hashes[i], string(idAt[i], idLength[i]), string(archAt, archLength[i]),
                Arrays.copyOfRange(values, i * dims, (i + 1) * dims));
    }

    private String string(int at, int length) {
        return length == NULL ? null : new String(bytes, at, length, StandardCharsets.UTF_8);
    }

    /**
     * Keeps the entries with the {@code size} smallest distinct hashes: the bound is found on a
     * primitive copy of the hashes. Entries sharing a hash (the same id offered twice) may
     * briefly exceed the size.
     */
    private void cutToSize() {
        if (count <= size) {
            return;
        }
        if (scratch.length < count) {
            scratch = new long[hashes.length];
        }
        System.arraycopy(hashes, 0, scratch, 0, count);
        Arrays.sort(scratch, 0, count);
        int distinct = 0;
        long last = 0;
        for (int i = 0; i < count && distinct < size; i++) {
            if (i == 0 || scratch[i] != last) {
                distinct++;
                last = scratch[i];
            }
        }
        long keep = last;
        keepWhere(i -> hashes[i] <= keep);
        if (distinct == size) {
            cut = true;
            bound = last;
        }
    }

    /** Keeps, in their order, the entries meeting {@code keep}; their bytes move down in place. */
    private void keepWhere(java.util.function.IntPredicate keep) {
        int kept = 0;
        int to = 0;
        for (int i = 0; i < count; i++) {
            if (!keep.test(i)) {
                continue;
            }
            int length = Math.max(idLength[i], 0) + Math.max(archLength[i], 0);
            System.arraycopy(bytes, idAt[i], bytes, to, length);
            hashes[kept] = hashes[i];
            System.arraycopy(values, i * dims, values, kept * dims, dims);
            idAt[kept] = to;
            idLength[kept] = idLength[i];
            archLength[kept] = archLength[i];
            to += length;
            kept++;
        }
        count = kept;
        used = to;
    }

    private void resize(int capacity) {
        hashes = Arrays.copyOf(hashes, capacity);
        values = Arrays.copyOf(values, capacity * dims);
        idAt = Arrays.copyOf(idAt, capacity);
        idLength = Arrays.copyOf(idLength, capacity);
        archLength = Arrays.copyOf(archLength, capacity);
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
