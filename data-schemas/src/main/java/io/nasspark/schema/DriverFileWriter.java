package io.nasspark.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes rows held on the driver (a run record, an analysis's summaries) into one Parquet data
 * file of an unpartitioned Iceberg table with Iceberg's own writer: no Spark job, which for a
 * handful of rows costs more than the write itself. The file follows the table's properties
 * (metrics, compression) as a Spark write would; committing it is the caller's part.
 */
final class DriverFileWriter {

    private DriverFileWriter() {}

    /** One data file holding {@code rows}, whose values are in the order of {@code columns}. */
    static DataFile write(Table table, List<String> columns, List<Row> rows) {
        Schema schema = table.schema();
        String location = table.locationProvider().newDataLocation(
                FileFormat.PARQUET.addExtension("driver-" + UUID.randomUUID()));
        try {
            DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(location)).forTable(table)
                    .createWriterFunc(GenericParquetWriter::create).overwrite().build();
            try (writer) {
                for (Row row : rows) {
                    writer.write(record(schema, columns, row));
                }
            }
            return writer.toDataFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + location, e);
        } catch (RuntimeException e) {
            table.io().deleteFile(location); // nothing half-written left behind
            throw e;
        }
    }

    /** {@code row}, whose values are in the order of {@code columns}, as a record of {@code schema}. */
    static Record record(Schema schema, List<String> columns, Row row) {
        if (row.length() != columns.size()) {
            throw new SchemaMismatchException("a row has " + row.length() + " values for the " + columns.size()
                    + " columns " + columns);
        }
        GenericRecord record = GenericRecord.create(schema);
        List<Types.NestedField> fields = schema.columns();
        for (int i = 0; i < fields.size(); i++) {
            Types.NestedField field = fields.get(i);
            int at = columns.indexOf(field.name());
            Object v = at < 0 ? null : row.get(at);
            try {
                record.set(i, value(field.type(), v));
            } catch (ClassCastException e) {
                throw new SchemaMismatchException("column " + field.name() + " is " + field.type()
                        + " but a row holds the " + v.getClass().getSimpleName() + " " + v);
            }
        }
        return record;
    }

    /**
     * A Spark external value as the Iceberg generic writer wants it.
     *
     * @throws ClassCastException when {@code v} is not of {@code type}'s Spark external class
     */
    private static Object value(Type type, Object v) {
        if (v == null) {
            return null;
        }
        return switch (type.typeId()) {
            case STRING -> ((CharSequence) v).toString();
            case INTEGER -> (Integer) v;
            case LONG -> (Long) v;
            case DOUBLE -> (Double) v;
            case FLOAT -> (Float) v;
            case BOOLEAN -> (Boolean) v;
            case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC()
                    ? ((Timestamp) v).toInstant().atOffset(ZoneOffset.UTC) : (LocalDateTime) v;
            case LIST -> {
                Type element = type.asListType().elementType();
                List<Object> out = new ArrayList<>();
                for (Object e : v instanceof scala.collection.Iterable<?> s ? CollectionConverters.asJava(s)
                        : (List<?>) v) {
                    out.add(value(element, e));
                }
                yield out;
            }
            case MAP -> {
                Types.MapType map = type.asMapType();
                Map<?, ?> entries = v instanceof scala.collection.Map<?, ?> s ? CollectionConverters.asJava(s)
                        : (Map<?, ?>) v;
                Map<Object, Object> out = new LinkedHashMap<>();
                entries.forEach((k, e) -> out.put(value(map.keyType(), k), value(map.valueType(), e)));
                yield out;
            }
            default -> throw new UnsupportedOperationException("no driver-side write of " + type
                    + " columns; write such rows through Spark");
        };
    }
}
