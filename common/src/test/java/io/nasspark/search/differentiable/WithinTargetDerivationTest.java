package io.nasspark.search.differentiable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class WithinTargetDerivationTest {

    private static final int LAYERS = 5;
    private static final int OPS = 4;

    /** A lookup table: a fixed part plus a cost per layer and operator. */
    private record Table(double fixed, double[][] costs) implements ToDoubleFunction<int[]> {
        @Override
        public double applyAsDouble(int[] ops) {
            double ms = fixed;
            for (int l = 0; l < ops.length; l++) {
                ms += costs[l][ops[l]];
            }
            return ms;
        }
    }

    private static double[][] logSoftmax(SplittableRandom rng) {
        double[][] lp = new double[LAYERS][OPS];
        for (double[] row : lp) {
            double norm = 0;
            for (int o = 0; o < OPS; o++) {
                row[o] = rng.nextGaussian();
                norm += Math.exp(row[o]);
            }
            for (int o = 0; o < OPS; o++) {
                row[o] -= Math.log(norm);
            }
        }
        return lp;
    }

    private static Table table(SplittableRandom rng) {
        double[][] costs = new double[LAYERS][OPS];
        for (double[] row : costs) {
            for (int o = 0; o < OPS; o++) {
                row[o] = rng.nextDouble(0.05, 0.6);
            }
        }
        return new Table(1.0, costs);
    }

    /** Every architecture: the most probable one within the band, by enumeration (null if none). */
    private static int[] bruteForce(double[][] lp, ToDoubleFunction<int[]> latency, double target, double tolerance) {
        int[] best = null;
        double bestLogP = Double.NEGATIVE_INFINITY;
        int[] ops = new int[LAYERS];
        for (int code = 0; code < Math.pow(OPS, LAYERS); code++) {
            double logP = 0;
            for (int l = 0, c = code; l < LAYERS; l++, c /= OPS) {
                ops[l] = c % OPS;
                logP += lp[l][ops[l]];
            }
            if (Math.abs(latency.applyAsDouble(ops) / target - 1) <= tolerance && logP > bestLogP) {
                best = ops.clone();
                bestLogP = logP;
            }
        }
        return best;
    }

    @Test
    void onALookupTableItFindsTheMostProbableArchitectureWithinTheBand() {
        SplittableRandom rng = new SplittableRandom(3);
        int moved = 0;
        for (int problem = 0; problem < 200; problem++) {
            double[][] lp = logSoftmax(rng);
            Table lut = table(rng);
            double target = rng.nextDouble(1.6, 2.8);
            int[] expected = bruteForce(lp, lut, target, 0.02);
            WithinTargetDerivation.Choice exact = new WithinTargetDerivation(lp, lut, target, 0.02, 1e-9).derive();
            WithinTargetDerivation.Choice bucketed = new WithinTargetDerivation(lp, lut, target, 0.02).derive();
            if (expected == null) {
                continue;
            }
            assertArrayEquals(expected, exact.operators(), "problem " + problem);
            assertEquals(lut.applyAsDouble(expected), exact.predictedMs(), 1e-12);
            assertTrue(Math.abs(bucketed.predictedMs() / target - 1) <= 0.02, "problem " + problem + ": " + bucketed);
            assertTrue(bucketed.logProbability() >= exact.logProbability() - 0.05,
                    "problem " + problem + ": the buckets cost little probability: " + bucketed + " against " + exact);
            moved += bucketed.logProbability() < argmaxLogP(lp) ? 1 : 0;
        }
        assertTrue(moved > 50, "most problems need a change from the argmax: " + moved);
    }

    @Test
    void anArgmaxAlreadyWithinTheBandIsKept() {
        double[][] lp = logSoftmax(new SplittableRandom(5));
        Table lut = table(new SplittableRandom(6));
        int[] argmax = new WithinTargetDerivation(lp, ops -> 1.0, 1.0, 0.01).derive().operators();
        double itsLatency = lut.applyAsDouble(argmax);
        WithinTargetDerivation.Choice c = new WithinTargetDerivation(lp, lut, itsLatency * 1.015, 0.02).derive();
        assertArrayEquals(argmax, c.operators());
        assertEquals(argmaxLogP(lp), c.logProbability(), 1e-12);
    }

    @Test
    void aPredictorThatIsNotAdditiveIsCheckedAndTheModelRebuiltUntilTheChoiceIsInTheBand() {
        SplittableRandom rng = new SplittableRandom(11);
        int solved = 0;
        for (int problem = 0; problem < 50; problem++) {
            double[][] lp = logSoftmax(rng);
            Table lut = table(rng);
            // layers interact, as in an MLP: the cost grows with the square of the table's
            ToDoubleFunction<int[]> curved = ops -> Math.pow(lut.applyAsDouble(ops), 2) / 2;
            double target = rng.nextDouble(1.4, 3.6);
            WithinTargetDerivation.Choice c = new WithinTargetDerivation(lp, curved, target, 0.02).derive();
            assertEquals(curved.applyAsDouble(c.operators()), c.predictedMs(), 1e-12, "the predictor's own latency");
            if (bruteForce(lp, curved, target, 0.02) != null) {
                assertTrue(Math.abs(c.predictedMs() / target - 1) <= 0.02, "problem " + problem + ": " + c);
                solved++;
            }
        }
        assertTrue(solved > 40, "feasible problems: " + solved);
    }

    @Test
    void aTargetNoArchitectureReachesGivesTheNearest() {
        double[][] lp = logSoftmax(new SplittableRandom(8));
        Table lut = table(new SplittableRandom(9));
        int[] largest = new int[LAYERS];
        for (int l = 0; l < LAYERS; l++) {
            for (int o = 0; o < OPS; o++) {
                largest[l] = lut.costs()[l][o] > lut.costs()[l][largest[l]] ? o : largest[l];
            }
        }
        WithinTargetDerivation.Choice c = new WithinTargetDerivation(lp, lut, 100, 0.02).derive();
        assertArrayEquals(largest, c.operators());
    }

    private static double argmaxLogP(double[][] lp) {
        double sum = 0;
        for (double[] row : lp) {
            sum += java.util.Arrays.stream(row).max().orElseThrow();
        }
        return sum;
    }
}
