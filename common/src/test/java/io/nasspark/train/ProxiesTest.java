package io.nasspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProxiesTest {

    @Test
    void bteMultipliesRelativeDropsPerBatchAndSumsOverBatches() {
        float[][] losses = {{2f, 4f}, {1f, 2f}, {0.5f, 2f}};
        // batch 0: (2-1)/2 * (1-0.5)/1 = 0.25; batch 1: (4-2)/4 * (2-2)/2 = 0
        assertEquals(0.25, Proxies.bte(losses), 1e-12);
        assertEquals(0.5 + 0.5, Proxies.bte(new float[][] {{2f, 4f}, {1f, 2f}}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Proxies.bte(new float[][] {{1f}}));
    }

    @Test
    void tseSumsEveryLoss() {
        assertEquals(11.5, Proxies.tse(new float[][] {{2f, 4f}, {1f, 2f}, {0.5f, 2f}}), 1e-12);
    }

    @Test
    void jacobianCovarianceRewardsDistinctGradients() {
        // Orthogonal centred rows: correlation is the identity, every eigenvalue 1.
        float[][] distinct = {{1, -1, 0, 0}, {0, 0, 1, -1}};
        double expected = -2 * (Math.log(1 + 1e-5) + 1 / (1 + 1e-5));
        assertEquals(expected, Proxies.jacobianCovariance(distinct), 1e-9);
        // Identical rows: eigenvalues 2 and 0, and the zero is punished by 1 / k.
        float[][] same = {{1, -1, 0, 0}, {1, -1, 0, 0}};
        assertTrue(Proxies.jacobianCovariance(same) < expected - 1e4);
        assertTrue(Double.isNaN(Proxies.jacobianCovariance(new float[][] {{1, 1}, {1, -1}})));
    }

    @Test
    void recipeLabelNamesEverythingThatChangesTheLosses() {
        TrainingRecipe r = new TrainingRecipe(3, 64, 2000, "sgd", 0.05f, 0.9f, 0.0005f, "cosine", false, 0);
        assertEquals("sgd-lr0.05-m0.9-wd0.0005-cosine-e3-b64-n2000-fixed-s0", r.label());
        assertEquals(3 * 31, r.steps(2000));
        assertEquals(31, r.batchesPerEpoch(5000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingRecipe(3, 64, 0, "rmsprop", 0.05f, 0.9f, 0f, "cosine", false, 0));
        assertTrue(e.getMessage().contains("--optimizer"), e.getMessage());
    }

    @Test
    void rankingOfAProxyComesWithABootstrapInterval() {
        int n = 60;
        double[] acc = new double[n];
        double[] perfect = new double[n];
        double[] noise = new double[n];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            acc[i] = 50 + i * 0.5;
            perfect[i] = Math.log(1 + i);
            noise[i] = rng.nextDouble();
        }
        ProxyRanking p = ProxyRanking.of(perfect, acc, 200, 0.95, 1);
        assertEquals(1.0, p.tau(), 1e-12);
        assertEquals(1.0, p.rho(), 1e-12);
        assertTrue(p.tauLow() > 0.99, p.toString());
        ProxyRanking r = ProxyRanking.of(noise, acc, 500, 0.95, 1);
        assertTrue(r.tauLow() < r.tau() && r.tau() < r.tauHigh(), r.toString());
        assertTrue(r.tauLow() < 0 && r.tauHigh() > 0, "an unrelated score's interval should straddle 0: " + r);
        assertTrue(r.rhoHigh() - r.rhoLow() > 0.2, r.toString());
        assertEquals(r, ProxyRanking.of(noise, acc, 500, 0.95, 1), "same seed, same interval");
        assertThrows(IllegalArgumentException.class, () -> ProxyRanking.of(new double[2], new double[2], 10, 0.9, 1));
    }
}
