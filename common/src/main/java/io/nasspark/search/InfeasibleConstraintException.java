package io.nasspark.search;

/** Too few candidates met the search's constraint within the bounded number of tries. */
public final class InfeasibleConstraintException extends IllegalStateException {
    public InfeasibleConstraintException(String message) {
        super(message);
    }
}
