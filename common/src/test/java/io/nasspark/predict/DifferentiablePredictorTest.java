package io.nasspark.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.nasspark.space.Candidate;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The MLP and the lookup table as functions of the one-hot encoding in the engine, as LightNAS uses them. */
class DifferentiablePredictorTest {

    private static final SearchSpace NB201 = SearchSpaces.byName("nb201");

    @Test
    void theEnginesMlpAndTablePredictWhatThePredictorsDoAndTheirGradientsMatchFiniteDifferences() {
        CandidateSampler sampler = new CandidateSampler(NB201, 3);
        List<Candidate> train = LongStream.range(0, 200).mapToObj(sampler::at).toList();
        // a positive, non-additive target of the encoding, fitted on a log scale
        double[] y = train.stream().mapToDouble(c -> target(NB201.oneHot(c))).toArray();
        List<Candidate> probe = LongStream.range(200, 205).mapToObj(sampler::at).toList();
        check(MlpPredictor.fit(NB201, train, y, true, new MlpPredictor.Settings(new int[] {32, 16}, 40, 32, 1e-2f), 7),
                probe);
        check(LookupTablePredictor.fit(NB201, train, y), probe);
    }

    private static <P extends Predictor & DifferentiablePredictor> void check(P mlp, List<Candidate> probe) {
        double[] expected = mlp.predict(NB201, probe);
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            int width = NB201.oneHot(probe.get(0)).length;
            float[] flat = new float[probe.size() * width];
            for (int i = 0; i < probe.size(); i++) {
                System.arraycopy(NB201.oneHot(probe.get(i)), 0, flat, i * width, width);
            }
            NDArray x = m.create(flat, new Shape(probe.size(), width));
            x.setRequiresGradient(true);
            float[] predicted;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = mlp.predict(x);
                predicted = out.toFloatArray();
                gc.backward(out.sum());
            }
            for (int i = 0; i < probe.size(); i++) {
                assertEquals(expected[i], predicted[i], 1e-4 * Math.abs(expected[i]), mlp.kind() + " candidate " + i);
            }
            float[] gradient = x.getGradient().toFloatArray();

            // along a random direction d from the first row: (f(x + εd) − f(x − εd)) / 2ε ≈ ∇f·d
            SplittableRandom rng = new SplittableRandom(1);
            float[] d = new float[width];
            double along = 0;
            for (int j = 0; j < width; j++) {
                d[j] = (float) (rng.nextDouble() - 0.5);
                along += d[j] * gradient[j];
            }
            float eps = 1e-2f;
            double slope = (at(mlp, m, flat, d, eps, width) - at(mlp, m, flat, d, -eps, width)) / (2 * eps);
            assertTrue(Math.abs(along) > 1e-6, "the prediction depends on the encoding");
            assertEquals(along, slope, 0.05 * Math.abs(along) + 1e-4, mlp.kind());

            assertThrows(IllegalArgumentException.class, () -> mlp.predict(m.zeros(new Shape(1, width + 1))));
        }
    }

    private static double target(float[] oneHot) {
        double s = 1;
        for (int j = 0; j < oneHot.length; j++) {
            s += oneHot[j] * ((j * 7) % 5) * 0.3;
        }
        return s * s / 4 + 1;
    }

    private static double at(DifferentiablePredictor mlp, NDManager m, float[] flat, float[] d, float eps, int width) {
        float[] row = new float[width];
        for (int j = 0; j < width; j++) {
            row[j] = flat[j] + eps * d[j];
        }
        return mlp.predict(m.create(row, new Shape(1, width))).getFloat(0);
    }
}
