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
}
