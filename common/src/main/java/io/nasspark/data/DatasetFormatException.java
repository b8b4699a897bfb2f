package io.nasspark.data;

/** A dataset file that is missing or not in the format claimed; the message names the file. */
public final class DatasetFormatException extends IllegalArgumentException {
    public DatasetFormatException(String message) {
        super(message);
    }
}
