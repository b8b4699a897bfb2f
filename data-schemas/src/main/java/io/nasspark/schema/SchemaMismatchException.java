package io.nasspark.schema;

/** Data whose columns differ from its table's schema; the message names table and column. */
public class SchemaMismatchException extends IllegalArgumentException {

    public SchemaMismatchException(String message) {
        super(message);
    }
}
