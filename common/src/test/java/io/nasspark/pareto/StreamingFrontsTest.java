package io.nasspark.pareto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Streaming ranks against the O(n²) non-dominated sort, and hypervolumes worked out by hand. */
class StreamingFrontsTest {

    @Test
    void streamingRanksEqualTheBruteForceSortIn2dAnd3dWithTiesAndDuplicates() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int trial = 0; trial < 300; trial++) {
            int dims = 2 + trial % 2;
            int n = 1 + rng.nextInt(200);
            // Few distinct values per objective: many ties; copies of earlier points: duplicates.
            int levels = 2 + rng.nextInt(12);
            double[][] points = new double[n][];
            for (int i = 0; i < n; i++) {
                points[i] = i > 0 && rng.nextInt(5) == 0 ? points[rng.nextInt(i)].clone() : randomPoint(rng, dims, levels);
            }
            int maxRank = 1 + rng.nextInt(6);
            assertArrayEquals(bruteForce(points, maxRank), streamed(points, maxRank),
                    "trial " + trial + ", " + dims + "-D, " + n + " points, maxRank " + maxRank);
        }
    }

    private static double[] randomPoint(SplittableRandom rng, int dims, int levels) {
        double[] p = new double[dims];
        for (int d = 0; d < dims; d++) {
            p[d] = rng.nextInt(levels) - levels / 2.0;
        }
        return p;
    }

    /** Ranks by ParetoRanking (which maximises, so negated), 0 beyond maxRank. */
    private static int[] bruteForce(double[][] points, int maxRank) {
        double[][] maximised = Arrays.stream(points).map(p -> Arrays.stream(p).map(v -> -v).toArray())
                .toArray(double[][]::new);
        return Arrays.stream(ParetoRanking.fronts(maximised)).map(r -> r <= maxRank ? r : 0).toArray();
    }

    private static int[] streamed(double[][] points, int maxRank) {
        Integer[] order = new Integer[points.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> StreamingFronts.compare(points[a], points[b]));
        StreamingFronts fronts = new StreamingFronts(points[0].length, maxRank);
        int[] rank = new int[points.length];
        for (int i : order) {
            rank[i] = fronts.add(points[i]);
        }
        return rank;
    }

    @Test
    void theDominanceFilterAgreesWithPairwiseDominanceIn2dAnd3dWithTies() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 300; trial++) {
            int dims = 2 + trial % 2;
            int levels = 2 + rng.nextInt(8);
            List<double[]> members = new java.util.ArrayList<>();
            for (int i = rng.nextInt(40); i > 0; i--) {
                members.add(randomPoint(rng, dims, levels));
            }
            DominanceFilter filter = new DominanceFilter(members, dims);
            for (int q = 0; q < 200; q++) {
                double[] p = q % 4 == 0 && !members.isEmpty() ? members.get(rng.nextInt(members.size())).clone()
                        : randomPoint(rng, dims, levels + 1);
                boolean expected = members.stream().anyMatch(m -> StreamingFronts.dominatesMinimising(m, p));
                assertEquals(expected, filter.dominates(p), "trial " + trial + ", " + Arrays.toString(p));
            }
        }
        // Skewed continuous first objectives (most members crowd a few of the 2-D lookup's buckets),
        // queried at, between and beyond the members.
        for (int trial = 0; trial < 100; trial++) {
            List<double[]> members = new java.util.ArrayList<>();
            for (int i = 2 + rng.nextInt(200); i > 0; i--) {
                members.add(new double[] {Math.exp(3 * rng.nextDouble()), rng.nextDouble()});
            }
            DominanceFilter filter = new DominanceFilter(members, 2);
            for (int q = 0; q < 500; q++) {
                double[] p = q % 5 == 0 ? members.get(rng.nextInt(members.size())).clone()
                        : new double[] {Math.exp(3.2 * rng.nextDouble() - 0.1), rng.nextDouble()};
                if (q % 7 == 0) {
                    p[0] = Math.nextDown(members.get(rng.nextInt(members.size()))[0]);
                }
                boolean expected = members.stream().anyMatch(m -> StreamingFronts.dominatesMinimising(m, p));
                assertEquals(expected, filter.dominates(p), "skewed trial " + trial + ", " + Arrays.toString(p));
            }
        }
    }

    @Test
    void outOfOrderOrNonFinitePointsAreRefused() {
        StreamingFronts fronts = new StreamingFronts(2, 3);
        fronts.add(new double[] {1, 5});
        assertThrows(IllegalArgumentException.class, () -> fronts.add(new double[] {0, 9}));
        assertThrows(IllegalArgumentException.class, () -> fronts.add(new double[] {2, Double.NaN}));
    }

    @Test
    void hypervolumesOfSmallFrontsAreExact() {
        // Staircase (1,3) (2,2) (3,1) against (4,4): 3 + 2 + 1 = 6.
        assertEquals(6.0, Hypervolume.of(List.of(p(1, 3), p(2, 2), p(3, 1)), p(4, 4)), 1e-12);
        // A dominated point and a duplicate add nothing; a point on the reference adds nothing.
        assertEquals(6.0, Hypervolume.of(List.of(p(1, 3), p(2, 2), p(3, 1), p(3, 3), p(2, 2), p(4, 0)), p(4, 4)),
                1e-12);
        assertEquals(0.0, Hypervolume.of(List.of(), p(1, 1)), 0);
        // One point in 3-D: a box 1 x 2 x 3.
        assertEquals(6.0, Hypervolume.of(List.of(p(0, 0, 0)), p(1, 2, 3)), 1e-12);
        // Two boxes (0,0,1)->(2,2,2) volume 4 and (1,1,0)->(2,2,2) volume 2, overlapping in
        // (1,1,1)->(2,2,2) volume 1: union 5.
        assertEquals(5.0, Hypervolume.of(List.of(p(0, 0, 1), p(1, 1, 0)), p(2, 2, 2)), 1e-12);
        // (0,.5,.5), (.5,0,.5), (.5,.5,0) against (1,1,1): boxes of .25 each, every pairwise and the
        // triple overlap (.5,.5,.5)->(1,1,1) of .125; inclusion-exclusion .75 - .375 + .125.
        assertEquals(0.5, Hypervolume.of(List.of(p(0, .5, .5), p(.5, 0, .5), p(.5, .5, 0)), p(1, 1, 1)), 1e-12);
    }

    @Test
    void theKneeIsTheMemberFarthestBelowTheLineThroughTheExtremes() {
        assertEquals(1, FrontAnalysis.knee(List.of(p(0, 10), p(2, 2), p(10, 0), p(6, 1))));
        assertEquals(0, FrontAnalysis.knee(List.of(p(3, 3))));
        assertArrayEquals(new double[] {11, 11}, FrontAnalysis.derivedReference(List.of(p(0, 10), p(10, 0))), 1e-12);
    }

    @Test
    void budgetsParseAgainstTheObjectivesAndNameWhatIsWrong() {
        Budget b = Budget.parse("latency_ms<=5", List.of("latency_ms", "accuracy"));
        assertEquals(0, b.objective());
        assertEquals(true, b.admits(new double[] {5, 0}));
        assertEquals(false, b.admits(new double[] {5.1, 0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Budget.parse("energy<=5", List.of("latency_ms", "accuracy")));
        assertEquals(true, e.getMessage().contains("[latency_ms, accuracy]"), e.getMessage());
    }

    private static double[] p(double... v) {
        return v;
    }
}
