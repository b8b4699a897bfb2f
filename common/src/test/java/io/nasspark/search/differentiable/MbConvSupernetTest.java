package io.nasspark.search.differentiable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.NetworkWeights;
import io.nasspark.space.Candidate;
import io.nasspark.space.mbconv.MbConvLayout;
import io.nasspark.space.mbconv.MbConvOp;
import io.nasspark.space.mbconv.MbConvSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The supernet on a small MBConv layout: its paths are the space's networks, and it trains one path a step. */
class MbConvSupernetTest {

    /** 4 searchable layers, 8 and 16 channels, 16 px. */
    static final MbConvSpace TINY = new MbConvSpace("mbconv-tiny", new MbConvLayout(8, 1, 8,
            List.of(new MbConvLayout.Stage(8, 2, 1), new MbConvLayout.Stage(16, 2, 2)), 32, 16), false);

    private static MbConvSupernet initialised(NDManager m, int batch) {
        MbConvSupernet supernet = new MbConvSupernet(TINY, 10);
        supernet.initialize(m, DataType.FLOAT32, new Shape(batch, 3, 16, 16));
        return supernet;
    }

    @Test
    void aPathComputesWhatTheSpacesNetworkOfItsCandidateComputesWithTheSameWeights() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            MbConvSupernet supernet = initialised(m, 2);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 16, 16));
            for (int[] picks : List.of(new int[] {0, 6, 3, 5}, new int[] {6, 6, 1, 6}, new int[] {4, 2, 6, 0})) {
                NDArray p = supernet.path(m, picks);
                Candidate c = supernet.candidate(p);
                assertEquals(MbConvOp.values()[picks[1]], TINY.op(c, 1));
                float[] fromSupernet = supernet.forward(new ParameterStore(m, false), x, p, 0, false).toFloatArray();

                Block alone = DjlNetworkBuilder.build(TINY.network(c, 16, 10));
                alone.initialize(m, DataType.FLOAT32, new Shape(2, 3, 16, 16));
                List<float[]> values = new ArrayList<>();
                for (Parameter shared : supernet.pathParameters(picks)) {
                    values.add(shared.getArray().toFloatArray());
                }
                NetworkWeights.write(alone, values);
                float[] fromNetwork = alone.forward(new ParameterStore(m, false), new NDList(x), false)
                        .singletonOrThrow().toFloatArray();
                for (int i = 0; i < fromNetwork.length; i++) {
                    assertEquals(fromNetwork[i], fromSupernet[i], 1e-5, TINY.format(c) + " output " + i);
                }
            }
        }
    }

    @Test
    void theMultiPathSupernetIsTheWeightedSumOfEveryOperatorAndAOneHotWeightingIsThatPath() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            MbConvSupernet supernet = initialised(m, 2);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 16, 16));
            ParameterStore store = new ParameterStore(m, false);
            NDArray p = supernet.path(m, new int[] {2, 6, 0, 4});
            float[] single = supernet.forward(store, x, p, 0, false).toFloatArray();
            float[] all = supernet.forwardAllPaths(store, x, p, false).toFloatArray();
            assertArrayEquals(single, all, 1e-5f, "a one-hot weighting runs that path");
            NDArray uniform = m.ones(p.getShape()).div(supernet.operators());
            float[] mixed = supernet.forwardAllPaths(store, x, uniform, false).toFloatArray();
            assertTrue(java.util.stream.IntStream.range(0, mixed.length).anyMatch(i -> Math.abs(mixed[i] - single[i]) > 1e-3),
                    "every operator contributes under a uniform weighting");
        }
    }

    @Test
    void aTrainingStepRunsOnePathAndItsLossReachesAlpha() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            MbConvSupernet supernet = initialised(m, 2);
            NDArray alpha = m.zeros(new Shape(supernet.layers(), supernet.operators()));
            alpha.setRequiresGradient(true);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 16, 16));
            int[] picks;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray p = GumbelPaths.singlePath(alpha, 1.0, new SplittableRandom(2));
                picks = GumbelPaths.picks(p);
                NDArray y = supernet.forward(new ParameterStore(m, false), x, p, 0, true);
                gc.backward(y.mul(y).sum());
            }
            double alphaGradient = alpha.getGradient().abs().sum().getFloat();
            assertTrue(alphaGradient > 0, "α learns from the path's loss");
            List<Parameter> onPath = supernet.pathParameters(picks);
            for (var named : supernet.getParameters()) {
                Parameter p = named.getValue();
                if (p.requiresGradient() && p.getType() == Parameter.Type.WEIGHT) {
                    double g = p.getArray().getGradient().abs().sum().getFloat();
                    if (onPath.contains(p)) {
                        assertTrue(g > 0, named.getKey() + " is on the path: " + TINY.format(supernet.candidate(supernet.path(m, picks))));
                    } else {
                        assertEquals(0, g, 0, named.getKey() + " is off the path");
                    }
                }
            }
        }
    }

    @Test
    void alphasStepGetsTheGradientOfEveryPathEntryAsTheMultiPathSupernetWouldGiveIt() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            MbConvSupernet supernet = initialised(m, 4);
            ParameterStore store = new ParameterStore(m, false);
            NDArray x = m.randomUniform(0, 1, new Shape(4, 3, 16, 16));
            NDArray r = m.randomNormal(new Shape(4, 10));
            int[] picks = {2, 0, 5, 1};
            float[] picked = pathGradient(p -> supernet.forward(store, x, p, 0, true), supernet.path(m, picks), r);
            float[] every = pathGradient(p -> supernet.forwardEveryEntry(store, x, p, 0, true), supernet.path(m, picks), r);
            // at a one-hot weighting the multi-path supernet computes the path, and its gradient in
            // the weights is the straight-through estimator's in full
            float[] multiPath = pathGradient(p -> supernet.forwardAllPaths(store, x, p, true), supernet.path(m, picks), r);
            float scale = 0;
            for (float g : multiPath) {
                scale = Math.max(scale, Math.abs(g));
            }
            assertArrayEquals(multiPath, every, 1e-4f * scale, "every entry's gradient");
            int k = supernet.operators();
            // layer 3 feeds the head's convolution and BatchNorm, which undo any scale of their
            // input: the picked entry's gradient vanishes and only the others' say anything
            assertEquals(0, picked[3 * k + picks[3]], 1e-5f * scale, "the picked entry of the stage's last layer");
            assertEquals(0, every[3 * k + picks[3]], 1e-5f * scale);
            double others = 0;
            for (int op = 0; op < k; op++) {
                others += Math.abs(every[3 * k + op]);
                if (op != picks[3]) {
                    assertEquals(0, picked[3 * k + op], 0, "the picked path alone leaves the others at 0");
                }
            }
            assertTrue(others > 1e-3 * scale, "the other operators of that layer tell the loss apart: " + others);
        }
    }

    /** The gradient of {@code Σ r·f(P)} in the one-hot path {@code picks}, row by row. */
    /** The gradient of {@code sum(f(p)·r)} in the one-hot path {@code p}. */
    private static float[] pathGradient(java.util.function.Function<NDArray, NDArray> f, NDArray p, NDArray r) {
        p.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(f.apply(p).mul(r).sum());
        }
        return p.getGradient().toFloatArray();
    }

    @Test
    void theIdentityMappingAddsTheInputBesideShapePreservingLayersOnly() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            MbConvSupernet supernet = initialised(m, 1);
            NDArray x = m.randomUniform(0, 1, new Shape(1, 3, 16, 16));
            NDArray p = supernet.path(m, new int[] {0, 1, 2, 3});
            ParameterStore ps = new ParameterStore(m, false);
            float[] plain = supernet.forward(ps, x, p, 0, false).toFloatArray();
            float[] mapped = supernet.forward(ps, x, p, 2, false).toFloatArray();
            assertNotEquals(plain[0], mapped[0]);
            assertEquals(plain[0], supernet.forward(ps, x, p, 0, false).toFloatArray()[0], 0, "φ = 0 is the plain path");
        }
    }
}
