package io.nasspark.jobs.pareto;

import io.nasspark.pareto.ParetoRanking;
import io.nasspark.pareto.StreamingFronts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One pass of the distributed non-dominated sort over rows sorted by (grp, objectives), all
 * objectives minimised. It keeps, per group, the rows of the first {@code fronts} fronts of what
 * it sees, and one count row per group. Run on the input's partitions it prunes each to its local
 * fronts (a row beyond them locally is beyond them globally: its dominators are in the input
 * too); run again on the survivors gathered by group it gives the exact ranks, and then the
 * crowding distance of each kept front. Memory: the kept fronts of one group, never its rows.
 *
 * <p>Rows: kind (0 point, 1 count), grp, id, arch, the objectives o0..oK, input_rows,
 * excluded_rows, front_rank, crowding_distance.
 */
final class FrontsFn implements MapPartitionsFunction<Row, Row> {

    static final int POINT = 0;
    static final int COUNT = 1;

    private final int dims;
    private final int fronts;
    private final boolean last;

    /**
     * @param last whether this is the final pass: ranks are then global and crowding is computed
     */
    FrontsFn(int dims, int fronts, boolean last) {
        this.dims = dims;
        this.fronts = fronts;
        this.last = last;
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
            inputRows++;
            double[] p = new double[dims];
            for (int i = 0; i < dims; i++) {
                if (r.isNullAt(4 + i) || !Double.isFinite(r.getDouble(4 + i))) {
                    excluded++;
                    return;
                }
                p[i] = r.getDouble(4 + i);
            }
            int rank = ranking.add(p);
            if (rank > 0) {
                kept.add(r);
                points.add(p);
                ranks.add(rank);
            }
        }

        void finish(List<Row> out) {
            double[] crowding = last ? crowding() : new double[kept.size()];
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
            Object[] count = new Object[8 + dims];
            count[0] = COUNT;
            count[1] = grp;
            // Points kept by a pruning pass are counted again by the next, so they leave its count.
            count[4 + dims] = last ? inputRows : inputRows - kept.size();
            count[5 + dims] = excluded;
            out.add(RowFactory.create(count));
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
