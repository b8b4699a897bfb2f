package io.nasspark.latency;

import java.util.Locale;

/**
 * How a latency is measured: untimed warm-up passes, timed repeats, images per pass, the
 * engine's intra-op threads, and whether the measurement had its executor to itself (no other
 * task running beside it). Its label is part of every latency row's key, so numbers taken under
 * different protocols never mix.
 */
public record LatencyProtocol(int warmup, int repeats, int batch, int threads, boolean exclusive)
        implements java.io.Serializable {

    /** A protocol that shares the executor with other tasks. */
    public LatencyProtocol(int warmup, int repeats, int batch, int threads) {
        this(warmup, repeats, batch, threads, false);
    }

    public LatencyProtocol {
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmup);
        }
        if (repeats < 3) {
            throw new IllegalArgumentException("--repeats must be at least 3 for a spread, got " + repeats);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** For example {@code b1-w10-r50-t1}, or {@code b1-w10-r50-t1-excl} when exclusive. */
    public String label() {
        return String.format(Locale.ROOT, "b%d-w%d-r%d-t%d%s", batch, warmup, repeats, threads,
                exclusive ? "-excl" : "");
    }
}
