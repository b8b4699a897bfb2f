package io.nasspark.search.differentiable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DifferentiableSearchTest {

    private static final float[] ALPHA = {0.5f, -1f, 2f, 0f, 1f, 1.5f, -0.5f, 0.2f};

    @Test
    void aSinglePathPicksOneOperatorPerLayerAndItsGradientReachesAlpha() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray alpha = m.create(ALPHA, new Shape(2, 4));
            alpha.setRequiresGradient(true);
            float[] path;
            // the cost of each operator: the loss is the picked operators' cost
            NDArray cost = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray p = GumbelPaths.singlePath(alpha, 1.0, new SplittableRandom(3));
                path = p.toFloatArray();
                gc.backward(p.mul(cost).sum());
            }
            for (int layer = 0; layer < 2; layer++) {
                float[] row = java.util.Arrays.copyOfRange(path, layer * 4, layer * 4 + 4);
                assertEquals(1f, row[0] + row[1] + row[2] + row[3], 1e-6, "one operator per layer");
                assertTrue(IntStream.range(0, 4).allMatch(k -> row[k] == 0f || row[k] == 1f), java.util.Arrays.toString(row));
            }
            float[] grad = alpha.getGradient().toFloatArray();
            assertTrue(IntStream.range(0, grad.length).anyMatch(i -> Math.abs(grad[i]) > 1e-4), "α learns");
            for (int layer = 0; layer < 2; layer++) {
                // a softmax's gradient sums to zero over its row
                assertEquals(0, grad[layer * 4] + grad[layer * 4 + 1] + grad[layer * 4 + 2] + grad[layer * 4 + 3], 1e-5);
            }
        }
    }

    @Test
    void pathsAreDrawnInProportionToSoftmaxOfAlpha() {
        // the Gumbel-max trick: argmax(α + G) is distributed as softmax(α), at any temperature
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray alpha = m.create(new float[] {0.5f, -1f, 2f, 0f}, new Shape(1, 4));
            double[] expected = softmax(new double[] {0.5, -1, 2, 0});
            int[] counts = new int[4];
            SplittableRandom rng = new SplittableRandom(11);
            int draws = 4000;
            for (int i = 0; i < draws; i++) {
                counts[GumbelPaths.picks(GumbelPaths.singlePath(alpha, 0.5, rng))[0]]++;
            }
            for (int k = 0; k < 4; k++) {
                assertEquals(expected[k], counts[k] / (double) draws, 0.03, "operator " + k);
            }
        }
    }

    @Test
    void theSameSeedDrawsTheSamePaths() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray alpha = m.create(ALPHA, new Shape(2, 4));
            assertArrayEquals(GumbelPaths.picks(GumbelPaths.singlePath(alpha, 2, new SplittableRandom(5))),
                    GumbelPaths.picks(GumbelPaths.singlePath(alpha, 2, new SplittableRandom(5))));
        }
    }

    @Test
    void orderedSamplingRunsEveryOperatorOfEveryLayerOncePerIteration() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray alpha = m.create(ALPHA, new Shape(2, 4));
            for (long seed = 0; seed < 20; seed++) {
                List<NDArray> paths = GumbelPaths.orderedPaths(alpha, 1.0, new SplittableRandom(seed));
                assertEquals(4, paths.size());
                for (int layer = 0; layer < 2; layer++) {
                    final int l = layer;
                    int[] picked = paths.stream().mapToInt(p -> GumbelPaths.picks(p)[l]).sorted().toArray();
                    assertArrayEquals(new int[] {0, 1, 2, 3}, picked, "seed " + seed + ", layer " + layer);
                }
            }
        }
    }

    @Test
    void lambdaRisesWhileThePredictedLatencyIsAboveTheTargetAndFallsBelowIt() {
        LatencyTradeOff t = LatencyTradeOff.start(5e-4, 10);
        assertEquals(0, t.lambda());
        assertEquals(5e-4 * 0.2, t.after(12).lambda(), 1e-15, "LAT > T raises λ");
        assertEquals(-5e-4 * 0.2, t.after(8).lambda(), 1e-15, "LAT < T lowers λ");
        assertEquals(0, t.after(10).lambda(), 1e-15);
        assertEquals(0.5, t.excessAt(15), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LatencyTradeOff.start(5e-4, 0));
    }

    @Test
    void theProportionalPartFollowsTheLatestExcessWhileTheSumKeepsTheAscent() {
        LatencyTradeOff t = new LatencyTradeOff(0, 0, 0.01, 0.1, 10).after(12).after(12);
        assertEquals(2 * 0.01 * 0.2 + 0.1 * 0.2, t.lambda(), 1e-15);
        LatencyTradeOff crossed = t.after(9);
        // one step below T: the sum falls a little, the proportional part turns at once
        assertEquals(2 * 0.01 * 0.2 - 0.01 * 0.1 - 0.1 * 0.1, crossed.lambda(), 1e-15);
        assertTrue(crossed.lambda() < t.integral(), "λ drops below the ascent's sum as soon as LAT < T");
    }

    @Test
    void theIdentityWeightDecaysLinearlyFromTwoToZeroAndTheTemperatureGeometrically() {
        assertEquals(2, SearchSchedules.identityWeight(2, 0), 0);
        assertEquals(1, SearchSchedules.identityWeight(2, 0.5), 1e-15);
        assertEquals(0, SearchSchedules.identityWeight(2, 1), 0);
        assertEquals(0, SearchSchedules.identityWeight(2, 1.5), 0, "stays 0 past the end");
        assertEquals(0, SearchSchedules.identityWeight(0, 0.3), 0, "the ablation: none");
        assertEquals(5, SearchSchedules.temperature(5, 0.05, 0), 1e-12);
        assertEquals(0.5, SearchSchedules.temperature(5, 0.05, 0.5), 1e-12);
        assertEquals(0.05, SearchSchedules.temperature(5, 0.05, 1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SearchSchedules.temperature(5, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> GumbelPaths.relaxed(null, null, 0));
    }

    private static double[] softmax(double[] x) {
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i]);
            sum += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}
