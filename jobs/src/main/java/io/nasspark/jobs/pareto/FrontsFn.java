package io.nasspark.jobs.pareto;

import io.nasspark.pareto.ParetoRanking;
import io.nasspark.pareto.StreamingFronts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The last pass of the distributed non-dominated sort, over the survivors of
 * {@link PartitionFrontsFn} gathered by group and sorted by (grp, objectives), all objectives
 * minimised: the exact ranks of the first {@code fronts} fronts, the crowding distance of each,
 * and one count row per group (the sum of the partitions' counts). Memory: the kept fronts of
 * one group, never its rows.
 *
 * <p>It also merges the partitions' samples of every group for plots: of the points it sees, the
 * {@code sample} with the smallest hash of their id (a bottom-k sample, so samples of partitions
 * merge into a sample of their union).
 *
 * <p>Rows: kind (0 point, 1 count, 2 sampled point), grp, id, arch, the objectives o0..oK, input_rows,
 * excluded_rows, front_rank, crowding_distance.
 */
final class FrontsFn implements MapPartitionsFunction<Row, Row> {

    static final int POINT = 0;
    static final int COUNT = 1;
    static final int SAMPLE = 2;

    private final int dims;
    private final int fronts;
    private final int sample;

    FrontsFn(int dims, int fronts, int sample) {
        this.dims = dims;
        this.fronts = fronts;
        this.sample = sample;
    }

    /** A well-mixed 64-bit hash of an id (SplitMix64's finaliser over the hash of its UTF-8 bytes). */
    static long hash(String id) {
        return hash(id == null ? null : UTF8String.fromString(id));
    }

    /** {@link #hash(String)} of Spark's form of the string, without making a Java string. */
    static long hash(UTF8String id) {
        long z = (id == null ? 0 : id.hashCode()) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static StructType schema(int dims) {
        StructType s = new StructType().add("kind", DataTypes.IntegerType).add("grp", DataTypes.StringType)
                .add("id", DataTypes.StringType).add("arch", DataTypes.StringType);
        for (int i = 0; i < dims; i++) {
            s = s.add("o" + i, DataTypes.DoubleType);
        }
        return s.add("input_rows", DataTypes.LongType).add("excluded_rows", DataTypes.LongType)
                .add("front_rank", DataTypes.IntegerType).add("crowding_distance", DataTypes.DoubleType);
    }

    /** A group's count row: its input rows and those excluded for a missing objective. */
    static Row countRow(String grp, long inputRows, long excluded, int dims) {
        Object[] count = new Object[8 + dims];
        count[0] = COUNT;
        count[1] = grp;
        count[4 + dims] = inputRows;
        count[5 + dims] = excluded;
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
        final PlotSample sampled = new PlotSample(sample);
        long inputRows;
        long excluded;

        Group(String grp) {
            this.grp = grp;
        }

        void add(Row r) {
            if (r.getInt(0) == COUNT) {
                inputRows += r.getLong(4 + dims);
                excluded += r.getLong(5 + dims);
                return;
            }
            boolean fromSample = r.getInt(0) == SAMPLE;
            double[] p = new double[dims];
            for (int i = 0; i < dims; i++) {
                if (r.isNullAt(4 + i) || !Double.isFinite(r.getDouble(4 + i))) {
                    excluded++;
                    return;
                }
                p[i] = r.getDouble(4 + i);
            }
            sampled.offer(hash(r.getString(2)), r);
            if (fromSample) {
                return;
            }
            int rank = ranking.add(p);
            if (rank > 0) {
                kept.add(r);
                points.add(p);
                ranks.add(rank);
            }
        }

        void finish(List<Row> out) {
            sampled.emit(out, dims);
            double[] crowding = crowding();
            for (int k = 0; k < kept.size(); k++) {
                Row r = kept.get(k);
                Object[] v = new Object[8 + dims];
                v[0] = POINT;
                v[1] = grp;
                v[2] = r.get(2);
                v[3] = r.get(3);
                for (int i = 0; i < dims; i++) {
                    v[4 + i] = points.get(k)[i];
                }
                v[4 + dims] = 0L;
                v[5 + dims] = 0L;
                v[6 + dims] = ranks.get(k);
                v[7 + dims] = crowding[k];
                out.add(RowFactory.create(v));
            }
            out.add(countRow(grp, inputRows, excluded, dims));
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
