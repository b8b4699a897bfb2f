package io.nasspark.jobs.imports;

import io.nasspark.jobs.io.Architectures;
import io.nasspark.schema.ArchitectureRow;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parses one imported row: the arch string into a candidate with its ids and cost, and the
 * numbers into doubles. A row that does not parse keeps its reason and goes to the rejects.
 * Input columns: row index, arch, latency, accuracy, energy, group (strings but the index).
 */
final class ImportFn implements MapPartitionsFunction<Row, Row> {

    /** Architecture columns (all nullable here), then what the import adds. */
    static final StructType SCHEMA = parsedSchema();

    private final String space;
    private final int inputSize;
    private final int classes;
    private final String runId;
    private final Timestamp createdAt;

    ImportFn(String space, int inputSize, int classes, String runId, Timestamp createdAt) {
        this.space = space;
        this.inputSize = inputSize;
        this.classes = classes;
        this.runId = runId;
        this.createdAt = createdAt;
    }

    /** A number column's value and what is wrong with it, if anything. */
    record Number(Double value, String problem) implements Serializable {}

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        SearchSpace s = SearchSpaces.byName(space);
        List<Row> out = new ArrayList<>();
        rows.forEachRemaining(r -> out.add(parse(s, r)));
        return out.iterator();
    }

    private Row parse(SearchSpace s, Row in) {
        long index = in.getLong(0);
        String arch = in.getString(1);
        List<String> problems = new ArrayList<>();
        Number latency = number("latency", in.getString(2), Double.MAX_VALUE);
        Number accuracy = number("accuracy", in.getString(3), 100);
        Number energy = number("energy", in.getString(4), Double.MAX_VALUE);
        for (Number n : List.of(latency, accuracy, energy)) {
            if (n.problem() != null) {
                problems.add(n.problem());
            }
        }
        ArchitectureRow architecture = null;
        if (arch == null || arch.isBlank()) {
            problems.add(0, "arch is empty");
        } else {
            try {
                Candidate c = s.parse(arch.trim());
                architecture = Architectures.row(s, c, inputSize, classes, "imported", null, index, runId,
                        createdAt);
            } catch (IllegalArgumentException e) { // ArchParseException included
                problems.add(0, "arch does not parse: " + e.getMessage());
            }
        }
        Object[] cells = new Object[SCHEMA.size()];
        if (architecture != null && problems.isEmpty()) {
            Row a = architecture.toRow();
            for (int i = 0; i < a.size(); i++) {
                cells[i] = a.get(i);
            }
        }
        int extra = Tables.ARCHITECTURES.columns().size();
        cells[extra] = problems.isEmpty() ? null : String.join("; ", problems);
        cells[extra + 1] = index;
        cells[extra + 2] = in.getString(5);
        cells[extra + 3] = arch;
        cells[extra + 4] = latency.value();
        cells[extra + 5] = accuracy.value();
        cells[extra + 6] = energy.value();
        return RowFactory.create(cells);
    }

    /** Parses a number column; null and empty stay null when the column is not imported. */
    static Number number(String what, String text, double max) {
        if (text == null) {
            return new Number(null, null);
        }
        String t = text.trim();
        if (t.isEmpty()) {
            return new Number(null, what + " is empty");
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return new Number(null, what + " '" + t + "' is not a number");
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return new Number(null, what + " is " + t);
        }
        if (v < 0) {
            return new Number(null, what + " " + t + " is negative");
        }
        if (v > max) {
            return new Number(null, what + " " + t + " is above " + (long) max);
        }
        return new Number(v, null);
    }

    private static StructType parsedSchema() {
        List<StructField> fields = new ArrayList<>(Arrays.stream(Tables.ARCHITECTURES.schema().fields())
                .map(f -> DataTypes.createStructField(f.name(), f.dataType(), true)).toList());
        fields.add(DataTypes.createStructField("reject_reason", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("row_index", DataTypes.LongType, false));
        fields.add(DataTypes.createStructField("grp", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("arch_given", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("latency_ms", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("top1_value", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("energy_value", DataTypes.DoubleType, true));
        return DataTypes.createStructType(fields);
    }
}
