package io.nasspark.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Compares columns against a {@link TableSchema}. Names and types must agree; nullability is
 * left to the table, which refuses a null in a required column at write time.
 */
public final class SchemaCheck {

    private SchemaCheck() {}

    /** Data about to be written must have exactly the table's columns, in any order. */
    public static void requireWritable(TableSchema table, StructType data) {
        List<String> problems = new ArrayList<>(missingOrMistyped(table, data));
        for (StructField f : data.fields()) {
            if (!table.columns().contains(f.name())) {
                problems.add("unexpected column '" + f.name() + "' (" + f.dataType().simpleString() + ")");
            }
        }
        fail(table, "write", problems);
    }

    /**
     * A stored table must have every column the schema names, with its type; columns added
     * later by a newer writer are tolerated.
     */
    public static void requireReadable(TableSchema table, StructType stored) {
        fail(table, "read", missingOrMistyped(table, stored));
    }

    private static List<String> missingOrMistyped(TableSchema table, StructType data) {
        List<String> problems = new ArrayList<>();
        List<String> present = List.of(data.fieldNames());
        for (StructField expected : table.schema().fields()) {
            if (!present.contains(expected.name())) {
                problems.add("missing column '" + expected.name() + "', expected "
                        + expected.dataType().simpleString());
                continue;
            }
            DataType actual = data.apply(expected.name()).dataType();
            if (!actual.sameType(expected.dataType())) {
                problems.add("column '" + expected.name() + "' is " + actual.simpleString()
                        + ", expected " + expected.dataType().simpleString());
            }
        }
        return problems;
    }

    private static void fail(TableSchema table, String action, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new SchemaMismatchException("table " + table.name() + " (schema v" + table.version()
                    + ") cannot " + action + ": " + String.join("; ", problems));
        }
    }
}
