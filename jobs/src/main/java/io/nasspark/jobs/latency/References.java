package io.nasspark.jobs.latency;

import io.nasspark.latency.ReferenceNetwork;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The reference networks a round-robin measurement calibrates by, and their stored times. */
final class References {

    private static final StructType COLUMNS = new StructType()
            .add("id", DataTypes.StringType)
            .add("space", DataTypes.StringType)
            .add("space_version", DataTypes.IntegerType)
            .add("arch", DataTypes.StringType)
            .add("input_size", DataTypes.IntegerType)
            .add("classes", DataTypes.IntegerType);

    private References() {}

    /**
     * One candidate row per reference the selected candidates need: one per space, input size
     * and classes among them (a handful, so they are gathered on the driver).
     */
    static Dataset<Row> of(SparkSession spark, Dataset<Row> candidates) {
        List<Row> rows = new ArrayList<>();
        for (Row key : candidates.select("space", "input_size", "classes").distinct().collectAsList()) {
            SearchSpace space = SearchSpaces.byName(key.getString(0));
            int size = key.getInt(1);
            int classes = key.getInt(2);
            Candidate reference = ReferenceNetwork.of(space, size, classes);
            rows.add(RowFactory.create(space.id(reference), space.name(), space.version(), space.format(reference),
                    size, classes));
        }
        return spark.createDataFrame(rows, COLUMNS);
    }

    /** The stored 10th percentile of each reference that was measured, by reference key. */
    static Map<String, Double> storedP10(SparkSession spark, Dataset<Row> references) {
        Dataset<Row> stored = new TableStore(spark).read(Tables.LATENCY)
                .where("status = '" + Tables.OK + "'")
                .select("id", "input_size", "classes", "device", "protocol", "p10_ms");
        Map<String, Double> p10 = new TreeMap<>();
        for (Row r : references.join(stored, scala.jdk.javaapi.CollectionConverters.asScala(
                List.of("id", "input_size", "classes", "device", "protocol")).toSeq())
                .select("space", "input_size", "classes", "p10_ms").collectAsList()) {
            p10.put(LatencyEvaluator.referenceKey(r.getString(0), r.getInt(1), r.getInt(2)), r.getDouble(3));
        }
        return p10;
    }

    /** One summary line naming the references and their times. */
    static String line(Map<String, Double> p10) {
        if (p10.isEmpty()) {
            return String.format(Locale.ROOT, "%n  no reference network could be measured: its candidates cannot be calibrated and fail");
        }
        return String.format(Locale.ROOT, "%n  calibrated by the reference network of %s", p10.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s (p10 %.3f ms)", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ")));
    }
}
