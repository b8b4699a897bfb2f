package io.nasspark.latency;

import io.nasspark.compress.LinearMerge;
import java.util.Locale;

/**
 * How a latency is measured: untimed warm-up passes, timed repeats, images per pass, the
 * engine's intra-op threads, whether the measurement had its executor to itself (no other task
 * running beside it), and how many networks one task times round-robin ({@code interleave}; 1
 * times each network's repeats back to back), and whether what is timed is the network or its
 * deep-to-shallow transform ({@code transformed}: its linear layers merged, as it would be
 * deployed). Its label is part of every latency row's key, so numbers taken under different
 * protocols never mix.
 */
public record LatencyProtocol(int warmup, int repeats, int batch, int threads, boolean exclusive, int interleave,
        boolean transformed) implements java.io.Serializable {

    /** A protocol that times the networks as they are. */
    public LatencyProtocol(int warmup, int repeats, int batch, int threads, boolean exclusive, int interleave) {
        this(warmup, repeats, batch, threads, exclusive, interleave, false);
    }

    /** A protocol that shares the executor with other tasks. */
    public LatencyProtocol(int warmup, int repeats, int batch, int threads) {
        this(warmup, repeats, batch, threads, false);
    }

    /** A protocol that times one network at a time. */
    public LatencyProtocol(int warmup, int repeats, int batch, int threads, boolean exclusive) {
        this(warmup, repeats, batch, threads, exclusive, 1);
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
        if (interleave < 1) {
            throw new IllegalArgumentException("--interleave must be at least 1, got " + interleave);
        }
    }

    /** Whether networks are timed round-robin and calibrated against a reference network. */
    public boolean interleaved() {
        return interleave > 1;
    }

    /** This protocol with {@code times} as many warm-up passes and timed repeats. */
    public LatencyProtocol stretched(int times) {
        return new LatencyProtocol(warmup * times, repeats * times, batch, threads, exclusive, interleave,
                transformed);
    }

    /** This protocol timing each network's deep-to-shallow transform instead of the network. */
    public LatencyProtocol ofTransformed() {
        return new LatencyProtocol(warmup, repeats, batch, threads, exclusive, interleave, true);
    }

    /**
     * For example {@code b1-w10-r50-t1}; {@code b1-w10-r50-t1-excl} when exclusive, and
     * {@code b1-w10-r50-t1-i16} when 16 networks are timed round-robin, and
     * {@code b1-w10-r50-t1+merged} for the transforms (the suffix the reparameterization's merged
     * rows carry too).
     */
    public String label() {
        return String.format(Locale.ROOT, "b%d-w%d-r%d-t%d%s%s%s", batch, warmup, repeats, threads,
                exclusive ? "-excl" : "", interleaved() ? "-i" + interleave : "",
                transformed ? LinearMerge.MERGED_SUFFIX : "");
    }
}
