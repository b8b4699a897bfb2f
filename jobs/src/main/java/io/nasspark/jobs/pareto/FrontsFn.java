package io.nasspark.jobs.pareto;

import io.nasspark.pareto.ParetoRanking;
import io.nasspark.pareto.StreamingFronts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The last pass of the distributed non-dominated sort, over the survivors of
 * {@link PartitionFrontsFn} gathered by group and sorted by (grp, objectives), all objectives
 * minimised: the exact ranks of the first {@code fronts} fronts and the crowding distance of
 * each, a merged plot sample, and one count row per group. Memory: the kept fronts and the
 * sample of one group, never its rows.
 *
 * <p>Rows, in and out: kind, grp, id, arch, the objectives o0..oK, input_rows, excluded_rows,
 * front_rank, crowding_distance, and a plot sample as three arrays (sample_id, sample_arch,
 * sample_values: the objectives flattened). In: each partition's points and, per group, one
 * count row carrying the partition's counts and plot sample (null objectives, so it sorts
 * first). Out: the kept points, ranked (an id seen more than once in a group, such as a
 * candidate measured twice, keeps its best rank), and the sampled points not among them, as kind
 * {@link #SAMPLE}. Each group's counts (the sums of the partitions') and first front go to
 * {@link GroupOutcomes} rather than out, so that the rows out can be written as they come.
 */
final class FrontsFn implements MapPartitionsFunction<Row, Row> {

    private static final long SEED = 0x5EED;

    static final int POINT = 0;
    static final int COUNT = 1;
    static final int SAMPLE = 2;

    private final int dims;
    private final int fronts;
    private final int sample;
    private final GroupOutcomes outcomes;

    FrontsFn(int dims, int fronts, int sample, GroupOutcomes outcomes) {
        this.dims = dims;
        this.fronts = fronts;
        this.sample = sample;
        this.outcomes = outcomes;
    }

    /** A well-mixed 64-bit hash of an id (XXH64 of its UTF-8 bytes). */
    static long hash(String id) {
        return hash(id == null ? null : UTF8String.fromString(id));
    }

    /** {@link #hash(String)} of Spark's form of the string, without making a Java string. */
    static long hash(UTF8String id) {
        return id == null ? 0 : XXH64.hashUTF8String(id, SEED);
    }

    /** {@link #hash(String)} of the UTF-8 bytes {@code bytes[offset, offset + length)}. */
    static long hash(byte[] bytes, int offset, int length) {
        return XXH64.hashUnsafeBytes(bytes, Platform.BYTE_ARRAY_OFFSET + offset, length, SEED);
    }

    static StructType schema(int dims) {
        StructType s = new StructType().add("kind", DataTypes.IntegerType).add("grp", DataTypes.StringType)
                .add("id", DataTypes.StringType).add("arch", DataTypes.StringType);
        for (int i = 0; i < dims; i++) {
            s = s.add("o" + i, DataTypes.DoubleType);
        }
        return s.add("input_rows", DataTypes.LongType).add("excluded_rows", DataTypes.LongType)
                .add("front_rank", DataTypes.IntegerType).add("crowding_distance", DataTypes.DoubleType)
                .add("sample_id", DataTypes.createArrayType(DataTypes.StringType))
                .add("sample_arch", DataTypes.createArrayType(DataTypes.StringType))
                .add("sample_values", DataTypes.createArrayType(DataTypes.DoubleType, false));
    }

    /** A point row: kind, grp, id, arch and values; rank and crowding may be null. */
    static Row pointRow(int kind, String grp, String id, String arch, double[] values, Integer rank, Double crowding) {
        Object[] v = new Object[11 + values.length];
        v[0] = kind;
        v[1] = grp;
        v[2] = id;
        v[3] = arch;
        for (int i = 0; i < values.length; i++) {
            v[4 + i] = values[i];
        }
        v[4 + values.length] = 0L;
        v[5 + values.length] = 0L;
        v[6 + values.length] = rank;
        v[7 + values.length] = crowding;
        return RowFactory.create(v);
    }

    /** A partition's count row of a group: its input rows, those excluded for a missing objective, and its plot sample. */
    static Row countRow(String grp, long inputRows, long excluded, int dims, List<PlotSample.Entry> sample) {
        Object[] count = new Object[11 + dims];
        count[0] = COUNT;
        count[1] = grp;
        count[4 + dims] = inputRows;
        count[5 + dims] = excluded;
        System.arraycopy(PlotSample.columns(sample, dims), 0, count, 8 + dims, 3);
        return RowFactory.create(count);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        List<Row> out = new ArrayList<>();
        Group g = null;
        while (rows.hasNext()) {
            Row r = rows.next();
            String grp = r.getString(1);
            if (g == null || !g.grp.equals(grp)) {
                if (g != null) {
                    g.finish(out);
                }
                g = new Group(grp);
            }
            g.add(r);
        }
        if (g != null) {
            g.finish(out);
        }
        return out.iterator();
    }

    private final class Group {
        final String grp;
        final StreamingFronts ranking = new StreamingFronts(dims, fronts);
        final List<Row> kept = new ArrayList<>();
        final List<double[]> points = new ArrayList<>();
        final List<Integer> ranks = new ArrayList<>();
        final PlotSample sampled = new PlotSample(sample, dims);
        long inputRows;
        long excluded;

        Group(String grp) {
            this.grp = grp;
        }

        void add(Row r) {
            if (r.getInt(0) == COUNT) {
                inputRows += r.getLong(4 + dims);
                excluded += r.getLong(5 + dims);
                mergeSample(r);
                return;
            }
            double[] p = new double[dims];
            for (int i = 0; i < dims; i++) {
                p[i] = r.getDouble(4 + i);
            }
            int rank = ranking.add(p);
            if (rank > 0) {
                kept.add(r);
                points.add(p);
                ranks.add(rank);
            }
        }

        private void mergeSample(Row r) {
            List<String> ids = r.getList(8 + dims);
            List<String> archs = r.getList(9 + dims);
            List<Double> values = r.getList(10 + dims);
            for (int k = 0; k < ids.size(); k++) {
                long hash = hash(ids.get(k));
                if (sampled.wants(hash)) {
                    double[] p = new double[dims];
                    for (int i = 0; i < dims; i++) {
                        p[i] = values.get(k * dims + i);
                    }
                    sampled.offer(hash, ids.get(k), archs.get(k), p);
                }
            }
        }

        void finish(List<Row> out) {
            double[] crowding = crowding();
            Map<String, Integer> best = new HashMap<>(); // id -> index into kept of its best rank
            for (int k = 0; k < kept.size(); k++) {
                Integer seen = best.putIfAbsent(kept.get(k).getString(2), k);
                if (seen != null && ranks.get(k) < ranks.get(seen)) {
                    best.put(kept.get(k).getString(2), k);
                }
            }
            List<Row> firstFront = new ArrayList<>();
            for (int k = 0; k < kept.size(); k++) { // in lexicographic order, which the knee's ties follow
                if (best.get(kept.get(k).getString(2)) == k) {
                    Row r = kept.get(k);
                    Row ranked = pointRow(POINT, grp, r.getString(2), r.getString(3), points.get(k), ranks.get(k),
                            crowding[k]);
                    out.add(ranked);
                    if (ranks.get(k) == 1) {
                        firstFront.add(ranked);
                    }
                }
            }
            for (PlotSample.Entry e : sampled.entries()) {
                if (!best.containsKey(e.id())) {
                    out.add(pointRow(SAMPLE, grp, e.id(), e.arch(), e.values(), 0, null));
                }
            }
            outcomes.add(new GroupOutcomes.Outcome(grp, inputRows, excluded, firstFront));
        }

        private double[] crowding() {
            double[][] all = points.toArray(double[][]::new);
            double[] distance = new double[all.length];
            for (int f = 1; f <= fronts; f++) {
                int front = f;
                int[] members = java.util.stream.IntStream.range(0, all.length).filter(k -> ranks.get(k) == front)
                        .toArray();
                double[] d = ParetoRanking.crowding(all, members);
                for (int m = 0; m < members.length; m++) {
                    distance[members[m]] = d[m];
                }
            }
            return distance;
        }
    }
}
