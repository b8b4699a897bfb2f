package io.nasspark.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyMeterTest {

    private static final LatencyProtocol QUICK = new LatencyProtocol(2, 5, 1, 1);

    @Test
    void summarisesRepeatsWithMedianPercentilesAndSpread() {
        LatencyStats s = LatencyStats.of(new double[] {5, 1, 4, 2, 3, 6, 9, 7, 8, 10});
        assertEquals(5.5, s.median(), 1e-12);
        assertEquals(5.5, s.mean(), 1e-12);
        assertTrue(s.p10() < s.median() && s.median() < s.p90(), s.toString());
        assertEquals(Math.sqrt(82.5 / 9), s.std(), 1e-12);
        assertEquals(s.std() / s.mean(), s.cv(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(new double[0]));
    }

    @Test
    void protocolLabelNamesEveryKnobAndBadValuesAreRefused() {
        assertEquals("b8-w10-r50-t2", new LatencyProtocol(10, 50, 8, 2).label());
        assertEquals("b1-w5-r20-t1-excl", new LatencyProtocol(5, 20, 1, 1, true).label());
        assertEquals("b1-w5-r20-t1-i16", new LatencyProtocol(5, 20, 1, 1, false, 16).label());
        assertTrue(new LatencyProtocol(5, 20, 1, 1, false, 16).interleaved());
        assertFalse(new LatencyProtocol(5, 20, 1, 1).interleaved());
        assertThrows(IllegalArgumentException.class, () -> new LatencyProtocol(1, 5, 1, 1, false, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LatencyProtocol(1, 1, 1, 1));
        assertTrue(e.getMessage().contains("--repeats"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LatencyProtocol(-1, 5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LatencyProtocol(1, 5, 0, 1));
    }

    @Test
    void countsOperatorCallsOfTheBuiltBlock() {
        Layer convBnRelu = Layer.Sequence.of(Layer.Conv.of(3, 8, 3, 1), new Layer.BatchNorm(8),
                Layer.Activation.RELU);
        assertEquals(3, DjlNetworkBuilder.operatorCalls(convBnRelu));
        assertEquals(4, DjlNetworkBuilder.operatorCalls(new Layer.Residual(convBnRelu, new Layer.Identity())));
        // Three nodes, three edges: node 2 sums two inputs.
        Layer dag = new Layer.Dag(3, java.util.List.of(new Layer.Edge(0, 1, convBnRelu),
                new Layer.Edge(0, 2, new Layer.Identity()), new Layer.Edge(1, 2, new Layer.Zero())));
        assertEquals(3 + 0 + 1 + 1, DjlNetworkBuilder.operatorCalls(dag));
    }

    @Test
    void measuresARealNetworkWithGradientsOffAndTheHarnessCostBesideIt() {
        SearchSpace nb201 = SearchSpaces.byName("nb201");
        Layer network = nb201.network(nb201.sample(new SplittableRandom(3)), 32, 10);
        ai.djl.engine.Engine.getEngine("PyTorch");
        boolean gradBefore = JniUtils.isGradMode();

        LatencyMeter.Measurement m = LatencyMeter.measure(network, FeatureShape.image(3, 32), QUICK);

        assertEquals(gradBefore, JniUtils.isGradMode(), "grad mode restored");
        LatencyStats s = m.stats();
        assertTrue(s.median() > 0 && s.p10() <= s.median() && s.median() <= s.p90(), s.toString());
        assertTrue(m.opCalls() > 50, "an NB201 network makes many calls: " + m.opCalls());
        LatencyMeter.HarnessCost h = LatencyMeter.harness(QUICK);
        assertTrue(h.fixedMillis() > 0, h.toString());
        assertTrue(h.perOpMillis() > 0, "64 ReLUs cost more than none: " + h);
        assertEquals(h.millis(m.opCalls()), m.harnessMillis(), 1e-12);
        assertFalse(Double.isNaN(m.harnessShare()));
    }

    @Test
    void timesNetworksRoundRobinEachWithItsOwnInputAndKeepsTheirOrder() {
        // what each network computed tells which input it got: its channels and its plane's size
        Layer wide = Layer.Sequence.of(Layer.Conv.of(3, 64, 3, 1), Layer.Conv.of(64, 64, 3, 1));
        Layer narrow = Layer.Sequence.of(Layer.Conv.of(5, 4, 1, 1));
        Layer strided = Layer.Sequence.of(Layer.Conv.of(3, 8, 3, 2));
        var networks = java.util.List.of(wide, narrow, strided);
        var inputs = java.util.List.of(FeatureShape.image(3, 12), FeatureShape.image(5, 8), FeatureShape.image(3, 10));
        LatencyProtocol protocol = new LatencyProtocol(2, 7, 1, 1, false, 3);
        ai.djl.ndarray.types.Shape[] outputs = new ai.djl.ndarray.types.Shape[3];
        double[][] millis = LatencyMeter.time(networks, inputs, protocol, outputs);
        assertEquals(new ai.djl.ndarray.types.Shape(1, 64, 12, 12), outputs[0]);
        assertEquals(new ai.djl.ndarray.types.Shape(1, 4, 8, 8), outputs[1]);
        assertEquals(new ai.djl.ndarray.types.Shape(1, 8, 5, 5), outputs[2]);
        for (double[] repeats : millis) {
            assertEquals(7, repeats.length);
            assertTrue(java.util.Arrays.stream(repeats).allMatch(t -> t > 0), java.util.Arrays.toString(repeats));
        }

        java.util.List<LatencyMeter.Measurement> m = LatencyMeter.measureRoundRobin(networks, inputs, protocol);
        assertEquals(java.util.List.of(2, 1, 1), m.stream().map(LatencyMeter.Measurement::opCalls).toList());
        assertThrows(IllegalArgumentException.class, () -> LatencyMeter.measureRoundRobin(
                java.util.List.of(narrow), java.util.List.of(), QUICK));
    }

    @Test
    void calibrationDividesTimingsByTheSlowdownOfTheReference() {
        LatencyStats raw = LatencyStats.of(new double[] {10, 20, 30, 40, 50});
        LatencyStats calibrated = raw.atReferenceSpeed(2);
        assertEquals(raw.median() / 2, calibrated.median(), 1e-12);
        assertEquals(raw.p10() / 2, calibrated.p10(), 1e-12);
        assertEquals(raw.std() / 2, calibrated.std(), 1e-12);
        assertEquals(raw.cv(), calibrated.cv(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> raw.atReferenceSpeed(0));
        LatencyMeter.Measurement reference = new LatencyMeter.Measurement(
                LatencyStats.of(new double[] {6, 6, 6}), 1, 0);
        assertEquals(1.5, ReferenceNetwork.slowdown(reference, 4), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ReferenceNetwork.slowdown(reference, 0));
    }

    @Test
    void theReferenceIsAFixedTypicalCandidateOfItsSpace() {
        SearchSpace nb201 = SearchSpaces.byName("nb201");
        var reference = ReferenceNetwork.of(nb201, 32, 10);
        assertEquals(nb201.id(reference), nb201.id(ReferenceNetwork.of(nb201, 32, 10)), "the same every time");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(ReferenceNetwork.SEED);
        long below = 0;
        long above = 0;
        long flops = flops(nb201, reference);
        for (int i = 0; i < ReferenceNetwork.DRAWS; i++) {
            long drawn = flops(nb201, nb201.sample(rng));
            below += drawn < flops ? 1 : 0;
            above += drawn > flops ? 1 : 0;
        }
        assertTrue(below <= ReferenceNetwork.DRAWS / 2 && above <= ReferenceNetwork.DRAWS / 2,
                "the median of its draws by FLOPs: " + below + " below it, " + above + " above");
        assertTrue(flops > 0);
    }

    private static long flops(SearchSpace space, io.nasspark.space.Candidate c) {
        return io.nasspark.model.CostModel.of(space.network(c, 32, 10), FeatureShape.image(3, 32)).flops();
    }
}
