package io.nasspark.train;

/** Training produced a loss that is not a finite number. */
public final class DivergedException extends RuntimeException {

    private final int epoch;
    private final int batch;

    public DivergedException(int epoch, int batch, float loss) {
        super("training diverged: loss " + loss + " at epoch " + epoch + ", batch " + batch);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** Epoch of the first non-finite loss, from 1. */
    public int epoch() {
        return epoch;
    }

    /** Batch of the first non-finite loss within its epoch, from 0. */
    public int batch() {
        return batch;
    }
}
