package io.nasspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nasspark.space.Candidate;
import io.nasspark.space.nb201.Nb201Space;
import org.junit.jupiter.api.Test;

class CostModelTest {

    @Test
    void countsAConvByEquation318() {
        // 3x3 conv, 8 -> 16 channels, stride 1 on 10x10: FLOPs = H·W·I·O·K², MACs = H·W·(I+O) + I·O·K².
        Cost cost = CostModel.of(Layer.Conv.of(8, 16, 3, 1), FeatureShape.image(8, 10));
        assertEquals(100L * 8 * 16 * 9, cost.flops());
        assertEquals(100L * (8 + 16) + 8 * 16 * 9, cost.memoryAccesses());
        assertEquals(8 * 16 * 9, cost.params());
        assertEquals(new FeatureShape(16, 10, 10), cost.output());
    }

    @Test
    void depthwiseAndStridedConvsUseTheirOwnSizes() {
        Cost cost = CostModel.of(Layer.Conv.depthwise(32, 5, 2), FeatureShape.image(32, 14));
        assertEquals(new FeatureShape(32, 7, 7), cost.output());
        assertEquals(49L * 32 * 25, cost.flops());
        assertEquals(196L * 32 + 49L * 32 + 32 * 25, cost.memoryAccesses());
    }

    @Test
    void nb201ParameterRangeMatchesTheBenchmark() {
        // NAS-Bench-201 reports 0.07M to 1.53M parameters for CIFAR-10 networks.
        Nb201Space space = new Nb201Space();
        Cost largest = cost(space, space.parse(
                "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"));
        Cost smallest = cost(space, space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"));
        assertEquals(1.53, largest.params() / 1e6, 0.005);
        assertEquals(0.07, smallest.params() / 1e6, 0.005);
        assertEquals(new FeatureShape(10, 1, 1), largest.output());
    }

    private static Cost cost(Nb201Space space, Candidate c) {
        return CostModel.of(space.network(c, 32, 10), FeatureShape.image(3, 32));
    }

    @Test
    void mismatchedShapesAreRefused() {
        Layer bad = new Layer.Residual(Layer.Conv.of(8, 16, 3, 1), new Layer.Identity());
        assertThrows(IllegalArgumentException.class, () -> CostModel.of(bad, FeatureShape.image(8, 8)));
        assertThrows(IllegalArgumentException.class,
                () -> CostModel.of(new Layer.AvgPool(3, 1, 0, false), FeatureShape.image(3, 2)));
    }
}
