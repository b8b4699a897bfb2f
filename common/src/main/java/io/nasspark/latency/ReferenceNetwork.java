package io.nasspark.latency;

import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The yardstick of round-robin measurement: one fixed candidate per space, timed in every
 * round-robin group beside the candidates. Its time in a group against its stored time says how
 * much slower the machine ran while that group was timed, and every candidate of the group is
 * divided by that slowdown. So rows measured minutes, runs or executors apart compare as if
 * they had been timed side by side.
 *
 * <p>The reference is the median-FLOPs candidate of a few seeded draws: a typical network of
 * the space, not a degenerate one (an NB201 cell of only {@code none} edges would time the
 * harness, not the machine).
 */
public final class ReferenceNetwork {

    /** Draws the reference is the median of. */
    static final int DRAWS = 9;

    /** Seed of those draws; part of what a calibrated latency means, so never changed. */
    static final long SEED = 20_260_101L;

    private ReferenceNetwork() {}

    /** The reference candidate of {@code space} at the given input size and classes. */
    public static Candidate of(SearchSpace space, int inputSize, int classes) {
        SplittableRandom rng = new SplittableRandom(SEED);
        List<Candidate> draws = new ArrayList<>(DRAWS);
        for (int i = 0; i < DRAWS; i++) {
            draws.add(space.sample(rng));
        }
        FeatureShape input = FeatureShape.image(3, inputSize);
        draws.sort(Comparator.comparingLong((Candidate c) -> CostModel.of(space.network(c, inputSize, classes),
                input).flops()).thenComparing(space::id));
        return draws.get(DRAWS / 2);
    }

    /**
     * How much slower the machine ran than when the reference's stored time was taken: the
     * reference's 10th percentile in this group over its stored one. The 10th percentile,
     * because interference only ever adds time: the fast tail is what the network costs.
     */
    public static double slowdown(LatencyMeter.Measurement referenceInGroup, double storedP10) {
        if (!(storedP10 > 0)) {
            throw new IllegalArgumentException("the reference's stored time must be positive, got " + storedP10);
        }
        return referenceInGroup.stats().p10() / storedP10;
    }
}
