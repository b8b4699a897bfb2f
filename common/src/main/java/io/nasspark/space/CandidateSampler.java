package io.nasspark.space;

import io.nasspark.util.Seeds;
import java.math.BigInteger;
import java.util.SplittableRandom;

/**
 * The i-th candidate of a seeded draw, computable on its own: any partition of a cluster job
 * can produce items [a, b) without the others, and a draw of N is a prefix of a draw of N + k
 * with the same seed. Small spaces are drawn without replacement (a seeded permutation of the
 * whole space), large ones with replacement (an independent stream per item), where a repeat
 * is vanishingly rare and dropped by the keyed write.
 */
public final class CandidateSampler {

    /** Spaces up to this size are drawn as a permutation, so a draw has no repeats. */
    public static final long PERMUTATION_LIMIT = 1L << 22;

    private final SearchSpace space;
    private final long seed;
    private final int[] permutation;

    public CandidateSampler(SearchSpace space, long seed) {
        this.space = space;
        this.seed = seed;
        this.permutation = drawsPermutation(space) ? permutation(space.size().intValue(), seed) : null;
    }

    /** Whether draws from {@code space} are without replacement. */
    public static boolean drawsPermutation(SearchSpace space) {
        return space instanceof GeneSpace
                && space.size().compareTo(BigInteger.valueOf(PERMUTATION_LIMIT)) <= 0;
    }

    /** Name recorded in the {@code sampler} column: permutation or uniform. */
    public static String method(SearchSpace space) {
        return drawsPermutation(space) ? "permutation" : "uniform";
    }

    /** The largest count one draw can give, or -1 when the space is too large to matter. */
    public long limit() {
        return permutation != null ? permutation.length : -1;
    }

    /** The candidate drawn at position {@code index}. */
    public Candidate at(long index) {
        if (permutation != null) {
            if (index < 0 || index >= permutation.length) {
                throw new IllegalArgumentException(space.name() + " has " + permutation.length
                        + " candidates; draw position " + index + " is past the end");
            }
            return ((GeneSpace) space).candidate(permutation[(int) index]);
        }
        return space.sample(Seeds.forItem(seed, index));
    }

    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
