package io.nasspark.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.space.Candidate;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The predictors on a target every candidate has without measuring: a network's parameter
 * count through a non-linear map (so the lookup table cannot be exact), 400 rows to fit, 200
 * unseen.
 */
class PredictorsTest {

    private static final SearchSpace NB201 = SearchSpaces.byName("nb201");

    @TempDir
    Path tmp;

    private static List<Candidate> draw(long from, long to) {
        CandidateSampler sampler = new CandidateSampler(NB201, 11);
        return LongStream.range(from, to).mapToObj(sampler::at).toList();
    }

    /** Parameters in thousands, squashed: positive, skewed, and not a sum over layers. */
    private static double[] target(List<Candidate> cs) {
        return cs.stream().mapToDouble(c -> {
            double kParams = CostModel.of(NB201.network(c, 32, 10), FeatureShape.image(3, 32)).params() / 1e3;
            return 1 + Math.sqrt(kParams);
        }).toArray();
    }

    @Test
    void metricsCountErrorsRanksAndSharesWithinTolerance() {
        RegressionMetrics m = RegressionMetrics.of(new double[] {1, 2, 3, 4}, new double[] {1.04, 2.3, 2.9, 4});
        assertEquals(4, m.rows());
        assertEquals(1.0, m.kendallTau(), 1e-12);
        assertEquals(0.75, m.within10pct(), 1e-12, "2.3 is 15 % off");
        assertEquals(0.75, m.within5pct(), 1e-12);
        assertEquals((0.04 + 0.3 + 0.1) / 4, m.mae(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new double[] {1}, new double[] {1}));
    }

    @Test
    void learnedModelsRankUnseenCandidatesAndBeatTheLookupTable() throws Exception {
        List<Candidate> train = draw(0, 400);
        List<Candidate> test = draw(400, 600);
        double[] y = target(train);
        double[] truth = target(test);

        double lutTau = 0;
        for (String kind : Predictors.KINDS) {
            Predictor p = Predictors.fit(kind, NB201, train, y, true, 5);
            double[] predicted = p.predict(NB201, test);
            RegressionMetrics m = RegressionMetrics.of(truth, predicted);
            System.out.printf("%s %s%n", kind, m);
            assertTrue(m.kendallTau() > 0.7, kind + ": " + m);
            if (kind.equals("lut")) {
                lutTau = m.kendallTau();
            } else {
                assertTrue(m.rmse() < RegressionMetrics.of(truth, Predictors.fit("lut", NB201, train, y, true, 5)
                        .predict(NB201, test)).rmse(), kind + " beats the lookup table: " + m);
            }
            Path dir = tmp.resolve(kind);
            p.save(dir);
            assertArrayEquals(predicted, Predictors.load(dir).predict(NB201, test), 1e-5, kind + " reloads");
        }
        assertTrue(lutTau > 0, "the baseline ranks somewhat");
    }

    @Test
    void theSameSeedFitsTheSameModel() {
        List<Candidate> train = draw(0, 120);
        double[] y = target(train);
        MlpPredictor.Settings quick = new MlpPredictor.Settings(new int[] {32}, 20, 32, 1e-3f);
        double[] a = MlpPredictor.fit(NB201, train, y, true, quick, 9).predict(NB201, draw(200, 220));
        double[] b = MlpPredictor.fit(NB201, train, y, true, quick, 9).predict(NB201, draw(200, 220));
        double[] c = MlpPredictor.fit(NB201, train, y, true, quick, 10).predict(NB201, draw(200, 220));
        assertArrayEquals(a, b, 0.0);
        assertTrue(!java.util.Arrays.equals(a, c), "another seed, another model");
    }
}
