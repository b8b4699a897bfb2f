package io.nasspark.schema;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One table's contract: its name, schema version, columns, and the key a keyed merge uses.
 * Bump the version whenever a column is added, removed or retyped.
 *
 * @param name the table's name in the catalog
 * @param version the schema version, stored as a table property
 * @param schema the columns, in table order
 * @param key columns that identify a row; a re-run never writes a key twice
 * @param description one line for help texts
 */
public record TableSchema(
        String name, int version, StructType schema, List<String> key, String description) {

    /** Table property that records the schema version a table was created with. */
    public static final String VERSION_PROPERTY = "nas.schema.version";

    public TableSchema {
        key = List.copyOf(key);
        for (String k : key) {
            if (!List.of(schema.fieldNames()).contains(k)) {
                throw new IllegalArgumentException("table " + name + ": key column " + k + " is not a column");
            }
        }
    }

    /** The column called {@code column}. */
    public StructField field(String column) {
        return schema.apply(column);
    }

    /**
     * A row of this table from values by column name; columns not given are null.
     *
     * @throws IllegalArgumentException naming a key that is not a column
     */
    public Row row(Map<String, ?> values) {
        List<String> columns = columns();
        Object[] cells = new Object[columns.size()];
        values.forEach((column, value) -> {
            int i = columns.indexOf(column);
            if (i < 0) {
                throw new IllegalArgumentException("table " + name + " has no column " + column);
            }
            cells[i] = value;
        });
        return RowFactory.create(cells);
    }

    /** The column names, in table order. */
    public List<String> columns() {
        return List.of(schema.fieldNames());
    }
}
