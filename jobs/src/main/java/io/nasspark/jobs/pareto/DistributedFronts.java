package io.nasspark.jobs.pareto;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.nasspark.pareto.StreamingFronts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The first fronts of every group, without gathering a group's rows anywhere.
 *
 * <p>The fast way reads the input twice, both plain Spark scans. The first counts each group's
 * rows. Then the fronts of a bounded subset of the rows are found; a row dominated by a member of
 * the subset's front R has R dominators in a chain, so its rank exceeds R and it cannot be kept.
 * That test is a cheap function of a row, so the second scan drops all but the rows near the front,
 * and only those are shuffled, sorted and ranked exactly by {@link FrontsFn}. A group the subset
 * gives no front R keeps all its rows, which is fine while it is small; when a large group has
 * none, or there are too many groups for one condition, every row is ranked the sorted way:
 * pruned to its partition's local fronts, then ranked by group.
 */
final class DistributedFronts {

    /** Rows the threshold is taken from by default: enough for a tight front R, few enough to sort at once. */
    static final int SUBSET = 50_000;
    /** Threshold members beyond which testing every row against them would cost more than sorting. */
    static final int MAX_TERMS = 4_000;
    /** Groups up to which each gets a test function of its own in one CASE. */
    static final int MAX_CASES = 32;
    private static final long HASH_RANGE = 1L << 30;

    private DistributedFronts() {}

    /** The FrontsFn rows of the final pass: the kept fronts, a sample, one count per group. */
    static List<Row> rank(SparkSession spark, Dataset<Row> points, int dims, int fronts, int plotSample,
            int subset) {
        Column valid = valid(dims);
        Map<String, long[]> counts = new HashMap<>();
        points.groupBy("grp").agg(functions.count(lit(1)), functions.sum(when(valid, 0L).otherwise(1L)))
                .collectAsList().forEach(r -> counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)}));
        Map<String, List<double[]>> threshold = threshold(points.where(valid).limit(subset), dims, fronts);
        int terms = threshold.values().stream().mapToInt(List::size).sum();
        boolean uncovered = counts.entrySet().stream()
                .anyMatch(e -> e.getValue()[0] - e.getValue()[1] > subset && !threshold.containsKey(e.getKey()));
        if (uncovered || terms > MAX_TERMS) {
            return sorted(points, dims, fronts, plotSample).collectAsList();
        }
        return prefiltered(spark, points, dims, fronts, plotSample, valid, threshold, counts).collectAsList();
    }

    private static Dataset<Row> sorted(Dataset<Row> points, int dims, int fronts, int plotSample) {
        Column[] order = order(dims);
        return points.sortWithinPartitions(order)
                .mapPartitions(new FrontsFn(dims, fronts, false, plotSample), Encoders.row(FrontsFn.schema(dims)))
                .repartition(col("grp")).sortWithinPartitions(order)
                .mapPartitions(new FrontsFn(dims, fronts, true, plotSample), Encoders.row(FrontsFn.schema(dims)));
    }

    /**
     * Per group, the members of front {@code fronts} of the subset, for the groups that have one.
     * The subset is the first rows a scan gives (any rows of the input will do; a collect with a
     * limit reads no more partitions than it needs), ranked here in memory.
     */
    private static Map<String, List<double[]>> threshold(Dataset<Row> subset, int dims, int fronts) {
        Map<String, List<double[]>> byGroup = new HashMap<>();
        for (Row r : subset.collectAsList()) {
            double[] p = new double[dims];
            for (int i = 0; i < dims; i++) {
                p[i] = r.getDouble(4 + i);
            }
            byGroup.computeIfAbsent(r.getString(1), g -> new ArrayList<>()).add(p);
        }
        Map<String, List<double[]>> members = new HashMap<>();
        byGroup.forEach((grp, points) -> {
            points.sort(StreamingFronts::compare);
            StreamingFronts ranking = new StreamingFronts(dims, fronts);
            for (double[] p : points) {
                if (ranking.add(p) == fronts) {
                    members.computeIfAbsent(grp, g -> new ArrayList<>()).add(p);
                }
            }
        });
        return members;
    }

    private static Dataset<Row> prefiltered(SparkSession spark, Dataset<Row> points, int dims, int fronts,
            int plotSample, Column valid, Map<String, List<double[]>> threshold, Map<String, long[]> counts) {
        Column keep = threshold.isEmpty() ? valid : valid.and(functions.not(dominated(threshold, dims)));
        long total = counts.values().stream().mapToLong(c -> c[0]).sum();
        double fraction = Math.min(1.0, 2.0 * plotSample * counts.size() / Math.max(1, total));
        Column sampled = valid.and(functions.pmod(functions.xxhash64(col("id")), lit(HASH_RANGE))
                .lt(lit((long) Math.ceil(fraction * HASH_RANGE))));
        Dataset<Row> near = points.where(keep.or(sampled))
                .withColumn("kind", when(keep, FrontsFn.POINT).otherwise(FrontsFn.SAMPLE));
        List<Row> countRows = new ArrayList<>();
        counts.forEach((grp, c) -> {
            Object[] v = new Object[8 + dims];
            v[0] = FrontsFn.COUNT;
            v[1] = grp;
            v[4 + dims] = c[0];
            v[5 + dims] = c[1];
            countRows.add(RowFactory.create(v));
        });
        return near.union(spark.createDataFrame(countRows, FrontsFn.schema(dims)))
                .repartition(col("grp")).sortWithinPartitions(order(dims))
                .mapPartitions(new FrontsFn(dims, fronts, true, plotSample), Encoders.row(FrontsFn.schema(dims)));
    }

    /**
     * Whether a row is dominated by a threshold member of its group (all objectives minimised):
     * a Java function of the row's objectives, since a condition with a term per member grows
     * past what Spark compiles well. With few groups the group is matched by the compiled code
     * and each group has its own function of doubles alone; with many, one function looks the
     * group up by name.
     */
    private static Column dominated(Map<String, List<double[]>> threshold, int dims) {
        Column[] objectives = new Column[dims];
        for (int i = 0; i < dims; i++) {
            objectives[i] = col("o" + i);
        }
        if (threshold.size() > MAX_CASES) {
            Map<String, double[][]> members = new HashMap<>();
            threshold.forEach((grp, list) -> members.put(grp, list.toArray(double[][]::new)));
            UserDefinedFunction byName = functions.udf((UDF2<String, scala.collection.Seq<Double>, Boolean>)
                    (grp, o) -> dominatedBy(members.get(grp), o), DataTypes.BooleanType);
            return byName.apply(col("grp"), functions.array(objectives));
        }
        Column cases = null;
        for (Map.Entry<String, List<double[]>> e : threshold.entrySet()) {
            double[][] members = e.getValue().toArray(double[][]::new);
            Column test = dims == 2
                    ? functions.udf((UDF2<Double, Double, Boolean>) (x, y) -> dominatedBy(members, x, y),
                            DataTypes.BooleanType).apply(objectives)
                    : functions.udf((UDF1<scala.collection.Seq<Double>, Boolean>) o -> dominatedBy(members, o),
                            DataTypes.BooleanType).apply(functions.array(objectives));
            cases = cases == null ? when(col("grp").equalTo(e.getKey()), test)
                    : cases.when(col("grp").equalTo(e.getKey()), test);
        }
        return cases.otherwise(false);
    }

    private static boolean dominatedBy(double[][] members, double x, double y) {
        for (double[] m : members) {
            if (m[0] <= x && m[1] <= y && (m[0] < x || m[1] < y)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dominatedBy(double[][] members, scala.collection.Seq<Double> o) {
        if (members == null) {
            return false;
        }
        double[] p = new double[o.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = o.apply(i);
        }
        for (double[] m : members) {
            if (StreamingFronts.dominatesMinimising(m, p)) {
                return true;
            }
        }
        return false;
    }

    static Column valid(int dims) {
        Column valid = lit(true);
        for (int i = 0; i < dims; i++) {
            Column o = col("o" + i);
            valid = valid.and(o.isNotNull()).and(functions.not(functions.isnan(o)))
                    .and(o.lt(Double.POSITIVE_INFINITY)).and(o.gt(Double.NEGATIVE_INFINITY));
        }
        return valid;
    }

    static Column[] order(int dims) {
        Column[] order = new Column[dims + 1];
        order[0] = col("grp");
        for (int i = 0; i < dims; i++) {
            order[i + 1] = col("o" + i).asc_nulls_first();
        }
        return order;
    }
}
