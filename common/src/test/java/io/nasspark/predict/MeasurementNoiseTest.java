package io.nasspark.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.nb201.Nb201Space;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The noise estimate on latencies made of known per-edge costs times log-normal noise of a known
 * size: it finds the twins, recovers the noise, and its ceiling falls as the noise grows.
 */
class MeasurementNoiseTest {

    private static final Nb201Space NB201 = new Nb201Space();

    @Test
    void recoversTheNoiseOfATableAndItsCeilingFallsWithIt() {
        List<Candidate> cells = new ArrayList<>();
        for (long i = 0; i < 15_625; i += 3) {
            cells.add(NB201.candidate(i));
        }
        MeasurementNoise exact = MeasurementNoise.of(NB201, cells, latencies(cells, 0), 1);
        MeasurementNoise small = MeasurementNoise.of(NB201, cells, latencies(cells, 0.03), 1);
        MeasurementNoise large = MeasurementNoise.of(NB201, cells, latencies(cells, 0.15), 1);

        assertTrue(small.pairs() > 100, "twins among every third cell: " + small.pairs());
        // Equal up to the order of a sum's terms: rounding in the last bit can still break ties.
        assertTrue(exact.twinTau() > 0.99 && exact.sigma() < 1e-12, "twins of a noise-free table are equal: " + exact);
        assertEquals(0.03, small.sigma(), 0.006);
        assertEquals(0.15, large.sigma(), 0.03);
        assertTrue(exact.ceiling().kendallTau() > small.ceiling().kendallTau()
                && small.ceiling().kendallTau() > large.ceiling().kendallTau() + 0.05,
                exact.ceiling() + " " + small.ceiling() + " " + large.ceiling());
        assertTrue(large.ceiling().within10pct() < 0.6 && small.ceiling().within10pct() > 0.95,
                small.ceiling() + " " + large.ceiling());
        assertTrue(small.twinTau() > large.twinTau(), small + " " + large);
    }

    @Test
    void aSpaceWithoutTwinsGivesNoEstimate() {
        SearchSpace mbconv = SearchSpaces.byName("mbconv-small");
        SplittableRandom rng = new SplittableRandom(2);
        List<Candidate> cells = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            cells.add(mbconv.sample(rng));
        }
        assertNull(MeasurementNoise.of(mbconv, cells, latencies(cells, 0.1), 1));
    }

    /**
     * A cost per operator (gene value: the same op costs the same on any edge, as on a device),
     * summed, times exp(N(0, sigma)) drawn per cell.
     */
    private static double[] latencies(List<Candidate> cells, double sigma) {
        SplittableRandom costs = new SplittableRandom(7);
        double[] cost = new double[16];
        for (int j = 0; j < cost.length; j++) {
            cost[j] = 0.2 + 2 * costs.nextDouble();
        }
        SplittableRandom noise = new SplittableRandom(11);
        double[] y = new double[cells.size()];
        for (int i = 0; i < y.length; i++) {
            Candidate c = cells.get(i);
            double sum = 1;
            for (int g = 0; g < c.length(); g++) {
                sum += cost[c.gene(g)];
            }
            y[i] = sum * Math.exp(sigma * noise.nextGaussian());
        }
        return y;
    }
}
