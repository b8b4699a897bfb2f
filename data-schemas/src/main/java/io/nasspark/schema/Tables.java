package io.nasspark.schema;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Every table the project keeps, with its schema version and key. */
public final class Tables {

    private Tables() {}

    /** One row per candidate network and input shape, with its analytic cost. */
    public static final TableSchema ARCHITECTURES = new TableSchema(
            "architectures",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "stable id: hash of space, space version and canonical encoding"),
                column("space", StringType, "search space name"),
                column("space_version", IntegerType, "search space version"),
                column("arch", StringType, "readable architecture string; parses back"),
                column("canonical_id", StringType, "id shared by isomorphic candidates"),
                column("encoding", StringType, "canonical encoding the id hashes"),
                column("flops", LongType, "multiply-accumulates of conv and linear layers, one sample"),
                column("params", LongType, "trainable parameters"),
                column("memory_accesses", LongType, "elements read and written by conv and linear layers"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                column("sampler", StringType, "how the candidate was drawn: enumerate, permutation, uniform"),
                column("seed", LongType, "seed of the draw"),
                column("sample_index", LongType, "position of the candidate in the draw"),
                column("run_id", StringType, "run that first wrote the row"),
                column("created_at", TimestampType, "when the row was first written"),
            }),
            List.of("id", "input_size", "classes"),
            "candidate networks with their FLOPs, parameters and memory accesses");

    /** One row per job run: what was asked, with which code and seeds, and what came of it. */
    public static final TableSchema RUNS = new TableSchema(
            "runs",
            1,
            new StructType(new StructField[] {
                key("run_id", StringType, "unique id of the run"),
                column("job", StringType, "job name"),
                column("args", StringType, "the job's arguments as given"),
                column("code_version", StringType, "project version and git commit of the build"),
                column("seed", LongType, "the run's seed, if it takes one"),
                column("master", StringType, "Spark master URL"),
                column("started_at", TimestampType, "start time"),
                column("finished_at", TimestampType, "end time"),
                column("status", StringType, "succeeded or failed"),
                column("rows_written", LongType, "rows the run added to its output table"),
                column("message", StringType, "summary or error"),
            }),
            List.of("run_id"),
            "every job run with its arguments, seeds and outcome");

    /** All tables, in the order help texts list them. */
    public static List<TableSchema> all() {
        return List.of(ARCHITECTURES, RUNS);
    }

    /** The table called {@code name}, if the project has one. */
    public static Optional<TableSchema> byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static StructField key(String name, DataType type, String comment) {
        return new StructField(name, type, false, Metadata.empty()).withComment(comment);
    }

    private static StructField column(String name, DataType type, String comment) {
        return new StructField(name, type, true, Metadata.empty()).withComment(comment);
    }
}
