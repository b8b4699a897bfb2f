package io.nasspark.util;

import java.util.SplittableRandom;

/** Derives independent, reproducible random streams from one user seed. */
public final class Seeds {

    private Seeds() {}

    /**
     * A random source for item {@code index} of a run seeded with {@code seed}. Item i gets the
     * same stream however the items are split across partitions, tasks or machines.
     */
    public static SplittableRandom forItem(long seed, long index) {
        return new SplittableRandom(mix(seed, index));
    }

    /** Shuffles {@code a} in place from {@code rng} (Fisher-Yates, from the end). */
    public static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Mixes two longs into one well-spread seed (SplitMix64 finaliser over a combination). */
    public static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
