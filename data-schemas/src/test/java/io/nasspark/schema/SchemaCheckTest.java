package io.nasspark.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {

    @Test
    void theTablesOwnSchemaPasses() {
        SchemaCheck.requireWritable(Tables.ARCHITECTURES, Tables.ARCHITECTURES.schema());
        SchemaCheck.requireReadable(Tables.RUNS, Tables.RUNS.schema());
    }

    @Test
    void aMistypedColumnIsNamedWithWhatWasExpected() {
        StructType data = replace(Tables.ARCHITECTURES.schema(), "flops", DataTypes.StringType);
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> SchemaCheck.requireWritable(Tables.ARCHITECTURES, data));
        assertEquals("table architectures (schema v1) cannot write: column 'flops' is string,"
                + " expected bigint", e.getMessage());
    }

    @Test
    void missingAndUnexpectedColumnsAreNamed() {
        StructType data = drop(Tables.RUNS.schema(), "status").add("colour", DataTypes.StringType);
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> SchemaCheck.requireWritable(Tables.RUNS, data));
        assertEquals("table runs (schema v1) cannot write: missing column 'status', expected string;"
                + " unexpected column 'colour' (string)", e.getMessage());
        // Reading tolerates columns a newer writer added, never missing ones.
        SchemaCheck.requireReadable(Tables.RUNS, Tables.RUNS.schema().add("colour", DataTypes.StringType));
        assertThrows(SchemaMismatchException.class, () -> SchemaCheck.requireReadable(Tables.RUNS, data));
    }

    @Test
    void rowRecordsFollowTheTableColumnOrder() {
        var ts = new java.sql.Timestamp(0);
        var arch = new ArchitectureRow("i", "nb201", 1, "a", "c", "e", 1L, 2L, 3L, 32, 10, "enumerate",
                null, 7L, "r", ts);
        var row = arch.toRow();
        assertEquals(Tables.ARCHITECTURES.columns().size(), row.size());
        Object[] values = new Object[row.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
        }
        var withSchema = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
                values, Tables.ARCHITECTURES.schema());
        assertEquals(arch, ArchitectureRow.fromRow(withSchema));
        assertEquals(Tables.RUNS.columns().size(),
                new RunRow("r", "sample", "", "0.1+abc", null, "local", ts, ts, "succeeded", 0, "").toRow().size());
    }

    static StructType replace(StructType schema, String column, org.apache.spark.sql.types.DataType type) {
        StructType out = new StructType();
        for (var f : schema.fields()) {
            out = out.add(f.name(), f.name().equals(column) ? type : f.dataType(), f.nullable());
        }
        return out;
    }

    static StructType drop(StructType schema, String column) {
        StructType out = new StructType();
        for (var f : schema.fields()) {
            if (!f.name().equals(column)) {
                out = out.add(f);
            }
        }
        return out;
    }
}
