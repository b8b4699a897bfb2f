package io.nasspark.jobs.pareto;

import io.nasspark.pareto.StreamingFronts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The first pass of the distributed non-dominated sort, on the input's partitions as they come
 * (unsorted, groups interleaved), in the same scan that counts the rows: it keeps, per group,
 * only rows that can still be in the first R fronts, a bottom-k sample for plots, and the counts.
 *
 * <p>A group's rows collect in a buffer; when it fills, the buffer is ranked in memory and cut
 * to its first R fronts, and the members of front R become the threshold: a later row that one
 * of them dominates has R dominators in a chain, so its global rank exceeds R and it is dropped
 * on arrival. On typical data almost every row is dropped by that test, which is a few
 * comparisons. When even the first R fronts fill the buffer (fronts as large as the buffer, as
 * on anti-correlated objectives) they are emitted as they are and the buffer starts again, so
 * memory stays bounded by the buffer per group. {@link FrontsFn} then ranks the survivors of all
 * partitions exactly.
 *
 * <p>It reads Spark's internal rows: a dropped row then costs a few reads of doubles and a hash
 * lookup, and only survivors and sampled rows become {@code Row}s with Java strings. That keeps
 * the pass close to the cost of the scan itself.
 */
final class PartitionFrontsFn implements FlatMapFunction<Iterator<InternalRow>, Row> {

    private final int dims;
    private final int fronts;
    private final int sample;
    private final int buffer;

    PartitionFrontsFn(int dims, int fronts, int sample, int buffer) {
        this.dims = dims;
        this.fronts = fronts;
        this.sample = sample;
        this.buffer = buffer;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        Map<UTF8String, Group> groups = new HashMap<>();
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
            InternalRow r = rows.next();
            UTF8String grp = r.getUTF8String(1);
            Group g = groups.get(grp);
            if (g == null) {
                g = new Group(grp.toString());
                groups.put(grp.clone(), g); // the row's bytes are reused for the next row
            }
            g.add(r, out);
        }
        for (Group g : groups.values()) {
            g.finish(out);
        }
        return out.iterator();
    }

    /** A {@code Row} of the FrontsFn schema with the internal row's values. */
    private Row toRow(InternalRow r) {
        Object[] v = new Object[8 + dims];
        v[0] = r.getInt(0);
        v[1] = r.getUTF8String(1).toString();
        v[2] = r.isNullAt(2) ? null : r.getUTF8String(2).toString();
        v[3] = r.isNullAt(3) ? null : r.getUTF8String(3).toString();
        for (int i = 0; i < dims; i++) {
            v[4 + i] = r.getDouble(4 + i);
        }
        v[4 + dims] = 0L;
        v[5 + dims] = 0L;
        return RowFactory.create(v);
    }

    private final class Group {
        final String grp;
        List<Row> pending = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        double[][] threshold = new double[0][];
        int compactAt = buffer;
        final PlotSample sampled = new PlotSample(sample);
        long inputRows;
        long excluded;

        Group(String grp) {
            this.grp = grp;
        }

        void add(InternalRow r, List<Row> out) {
            inputRows++;
            double[] p = new double[dims];
            for (int i = 0; i < dims; i++) {
                if (r.isNullAt(4 + i) || !Double.isFinite(r.getDouble(4 + i))) {
                    excluded++;
                    return;
                }
                p[i] = r.getDouble(4 + i);
            }
            Row row = null;
            if (sample > 0) {
                long hash = FrontsFn.hash(r.isNullAt(2) ? null : r.getUTF8String(2));
                if (sampled.wants(hash)) {
                    row = toRow(r);
                    sampled.offer(hash, row);
                }
            }
            for (double[] m : threshold) {
                if (StreamingFronts.dominatesMinimising(m, p)) {
                    return;
                }
            }
            pending.add(row != null ? row : toRow(r));
            points.add(p);
            if (pending.size() >= compactAt) {
                compact(out);
            }
        }

        /** Cuts the buffer to its first R fronts and takes front R as the new threshold. */
        private void compact(List<Row> out) {
            Integer[] order = new Integer[points.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> StreamingFronts.compare(points.get(a), points.get(b)));
            StreamingFronts ranking = new StreamingFronts(dims, fronts);
            List<Row> keptRows = new ArrayList<>();
            List<double[]> keptPoints = new ArrayList<>();
            List<double[]> lastFront = new ArrayList<>();
            for (int i : order) {
                int rank = ranking.add(points.get(i));
                if (rank > 0) {
                    keptRows.add(pending.get(i));
                    keptPoints.add(points.get(i));
                    if (rank == fronts) {
                        lastFront.add(points.get(i));
                    }
                }
            }
            if (!lastFront.isEmpty()) {
                threshold = lastFront.toArray(double[][]::new);
            }
            pending = keptRows;
            points = keptPoints;
            if (pending.size() >= buffer) {
                out.addAll(pending); // fronts as large as the buffer: pass them on rather than grow
                pending = new ArrayList<>();
                points = new ArrayList<>();
            }
            compactAt = Math.max(buffer, 2 * pending.size());
        }

        void finish(List<Row> out) {
            if (!pending.isEmpty()) {
                compact(out);
                out.addAll(pending);
            }
            sampled.emit(out, dims);
            out.add(FrontsFn.countRow(grp, inputRows, excluded, dims));
        }
    }
}
