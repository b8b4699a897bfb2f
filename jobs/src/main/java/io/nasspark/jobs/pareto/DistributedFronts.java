package io.nasspark.jobs.pareto;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The first fronts of every group, without gathering a group's rows anywhere, in one scan of the
 * input: the first pass ({@link FirstPass}) counts each partition's rows and drops those that
 * cannot be in the first R fronts as they stream past; the few survivors are shuffled by group,
 * sorted, and ranked exactly by {@link FrontsFn}.
 */
final class DistributedFronts {

    /** Rows a group's buffer holds in each partition before it is cut to its first fronts. */
    static final int BUFFER = 4_096;

    private DistributedFronts() {}

    /**
     * The FrontsFn rows of the final pass over the first pass's survivors: the kept fronts and a
     * sample. Each group's counts and first front reach {@code outcomes} when the rows are computed.
     */
    static Dataset<Row> rank(SparkSession spark, JavaRDD<Row> survivors, int dims, int fronts, int plotSample,
            GroupOutcomes outcomes) {
        return spark.createDataFrame(survivors, FrontsFn.schema(dims))
                .repartition(col("grp")).sortWithinPartitions(order(dims))
                .mapPartitions(new FrontsFn(dims, fronts, plotSample, outcomes), Encoders.row(FrontsFn.schema(dims)));
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
