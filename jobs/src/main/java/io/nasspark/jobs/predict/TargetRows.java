package io.nasspark.jobs.predict;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nasspark.schema.TableSchema;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rows a predictor learns from: a stored value per candidate with the candidate's arch
 * string, and the columns that make a group (one predictor per group).
 */
public enum TargetRows {
    LATENCY("median_ms", List.of("space", "device", "protocol", "input_size", "classes")),
    ACCURACY("top1", List.of("space", "task", "recipe", "input_size", "classes"));

    private final String valueColumn;
    private final List<String> groupColumns;

    TargetRows(String valueColumn, List<String> groupColumns) {
        this.valueColumn = valueColumn;
        this.groupColumns = groupColumns;
    }

    public static TargetRows of(String target) {
        try {
            return valueOf(target.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--target must be latency or accuracy, got " + target);
        }
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    List<String> groupColumns() {
        return groupColumns;
    }

    /** The table the values are stored in. */
    public TableSchema table() {
        return this == LATENCY ? Tables.LATENCY : Tables.ACCURACY;
    }

    /** The column a statistic of this target is stored in: median or p10 for latency. */
    public String column(String statistic) {
        if (this == LATENCY && (statistic.equals("median") || statistic.equals("p10"))) {
            return statistic + "_ms";
        }
        if (statistic.equals("median") && this == ACCURACY) {
            return valueColumn;
        }
        throw new IllegalArgumentException("--statistic " + statistic + " does not apply to " + label()
                + (this == LATENCY ? " (median or p10)" : " (accuracy has one value per candidate)"));
    }

    /** @throws IllegalArgumentException naming a {@code --group} key that is not a group column */
    void checkGroupKeys(Map<String, String> only) {
        for (String key : only.keySet()) {
            if (!groupColumns.contains(key)) {
                throw new IllegalArgumentException("--group " + key + " is not a group column of " + label()
                        + " (known: " + String.join(", ", groupColumns) + ")");
            }
        }
    }

    /** The rows of the groups with these values ({@code --group}). */
    Dataset<Row> only(Dataset<Row> rows, Map<String, String> values) {
        for (Map.Entry<String, String> v : values.entrySet()) {
            rows = rows.where(col(v.getKey()).cast("string").equalTo(lit(v.getValue())));
        }
        return rows;
    }

    /**
     * One group's rows as {@link #read} gives them.
     *
     * @param label the group, as {@code column=value} pairs
     * @param key the first row (its group columns name the group)
     */
    record Group(String label, Row key, List<Row> rows) {}

    /** {@link #read}'s rows split into groups, in the order of the group columns: one read, a group is small. */
    List<Group> groups(Dataset<Row> read) {
        int n = groupColumns.size();
        Map<List<Object>, List<Row>> byGroup = new LinkedHashMap<>();
        Column[] order = groupColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        for (Row r : read.orderBy(order).collectAsList()) {
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(r.get(i));
            }
            byGroup.computeIfAbsent(values, v -> new ArrayList<>()).add(r);
        }
        List<Group> out = new ArrayList<>();
        byGroup.values().forEach(rows -> out.add(new Group(label(rows.get(0)), rows.get(0), rows)));
        return out;
    }

    /** A group's label: {@code column=value} pairs of a row's group columns. */
    String label(Row row) {
        return IntStream.range(0, groupColumns.size()).mapToObj(i -> groupColumns.get(i) + "=" + row.get(i))
                .collect(Collectors.joining(","));
    }

    /**
     * Columns: the group columns, then id, arch, space_version, and the value from
     * {@code column} (see {@link #column}); only rows with status ok.
     */
    public Dataset<Row> read(SparkSession spark, String column) {
        TableStore store = new TableStore(spark);
        Dataset<Row> values = store.read(table())
                .where(col("status").equalTo(Tables.OK));
        Dataset<Row> architectures = store.read(Tables.ARCHITECTURES)
                .select("id", "input_size", "classes", "arch", "space_version");
        Dataset<Row> joined = values.join(architectures,
                scala.jdk.javaapi.CollectionConverters.asScala(List.of("id", "input_size", "classes")).toSeq());
        String[] columns = new String[groupColumns.size() + 4];
        for (int i = 0; i < groupColumns.size(); i++) {
            columns[i] = groupColumns.get(i);
        }
        columns[groupColumns.size()] = "id";
        columns[groupColumns.size() + 1] = "arch";
        columns[groupColumns.size() + 2] = "space_version";
        columns[groupColumns.size() + 3] = column + " AS value";
        return joined.selectExpr(columns);
    }
}
