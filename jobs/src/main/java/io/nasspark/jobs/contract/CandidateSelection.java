package io.nasspark.jobs.contract;

import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Option;

/** Which rows of {@code architectures} a job evaluates. */
public final class CandidateSelection {

    @Option(names = "--space", paramLabel = "SPACE",
            description = "Only candidates of this space (default: all spaces).")
    String space;

    @Option(names = "--ids", paramLabel = "FILE",
            description = "Only the candidate ids listed in FILE, one per line.")
    Path ids;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "At most N candidates: the first N in the order they were sampled.")
    long limit;

    @Option(names = "--input-size", paramLabel = "PX", defaultValue = "0",
            description = "Only candidates built for this input resolution.")
    int inputSize;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "0",
            description = "Only candidates built for this many classes.")
    int classes;

    /** The space asked for, or null for all. */
    public String space() {
        return space;
    }

    /** Checks the options before Spark starts. */
    public void validate() {
        if (space != null) {
            SearchSpaces.byName(space);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be positive, got " + limit);
        }
        if (ids != null && !Files.isReadable(ids)) {
            throw new IllegalArgumentException("--ids file " + ids + " cannot be read");
        }
    }

    /** The selected rows of {@code architectures}, in sampling order. */
    public Dataset<Row> select(SparkSession spark) {
        Dataset<Row> rows = new TableStore(spark).read(Tables.ARCHITECTURES);
        if (space != null) {
            rows = rows.where(functions.col("space").equalTo(space));
        }
        if (inputSize > 0) {
            rows = rows.where(functions.col("input_size").equalTo(inputSize));
        }
        if (classes > 0) {
            rows = rows.where(functions.col("classes").equalTo(classes));
        }
        if (ids != null) {
            Dataset<Row> wanted = spark.createDataset(readIds(), Encoders.STRING()).toDF("id");
            rows = rows.join(wanted, "id");
        }
        rows = rows.orderBy("space", "sample_index", "id", "input_size", "classes");
        return limit > 0 ? rows.limit((int) Math.min(Integer.MAX_VALUE, limit)) : rows;
    }

    private List<String> readIds() {
        try {
            List<String> lines = Files.readAllLines(ids).stream().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).distinct().toList();
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("--ids file " + ids + " lists no ids");
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalArgumentException("--ids file " + ids + " cannot be read: " + e.getMessage());
        }
    }
}
