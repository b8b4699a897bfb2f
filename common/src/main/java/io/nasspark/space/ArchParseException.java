package io.nasspark.space;

/** An architecture string that does not parse; the message names the offending token. */
public class ArchParseException extends IllegalArgumentException {

    public ArchParseException(String message) {
        super(message);
    }
}
