package io.nasspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvSpace;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DjlNetworkBuilderTest {

    @ParameterizedTest(name = "{0} at {1} px, {2} classes")
    @CsvSource({"nb201, 32, 10, 6", "mbconv-small, 32, 10, 3", "mbconv-small, 28, 100, 2", "mbconv, 224, 1000, 2"})
    void builtModelsRunAndMatchTheAnalyticParameterCount(
            String spaceName, int size, int classes, int candidates) {
        SearchSpace space = SearchSpaces.byName(spaceName);
        SplittableRandom rng = new SplittableRandom(spaceName.hashCode());
        for (int k = 0; k < candidates; k++) {
            checkForwardAndParams(space, space.sample(rng), size, classes);
        }
    }

    @ParameterizedTest(name = "scaled {0}")
    @CsvSource({"mbconv-small"})
    void scaledCandidatesMatchToo(String spaceName) {
        SearchSpace space = SearchSpaces.byName(spaceName, true);
        Candidate c = space.sample(new SplittableRandom(9));
        assertTrue(((MbConvSpace) space).withScales());
        checkForwardAndParams(space, c, 32, 10);
    }

    private static void checkForwardAndParams(SearchSpace space, Candidate c, int size, int classes) {
        Layer network = space.network(c, size, classes);
        Cost cost = CostModel.of(network, FeatureShape.image(3, size));
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = DjlNetworkBuilder.build(network);
            block.setInitializer(new NormalInitializer(), Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, size, size));
            assertEquals(cost.params(), DjlNetworkBuilder.trainableParameters(block), space.format(c));

            NDArray x = manager.randomNormal(new Shape(2, 3, size, size));
            NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow();
            assertArrayEquals(new long[] {2, classes}, y.getShape().getShape(), space.format(c));
            assertTrue(y.isInfinite().logicalOr(y.isNaN()).none().getBoolean(), "finite output");
        }
    }

    @Test
    void globalAveragePoolIsEachChannelsMeanAndPassesAnEvenGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block pool = DjlNetworkBuilder.build(new Layer.GlobalAvgPool());
            pool.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 5, 4));
            NDArray x = manager.randomNormal(new Shape(2, 3, 5, 4));
            x.setRequiresGradient(true);
            boolean gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            NDArray y;
            try {
                y = pool.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                NDArray sum = y.sum();
                JniUtils.backward((PtNDArray) sum, (PtNDArray) sum.onesLike(), false, false);
            } finally {
                JniUtils.setGradMode(gradMode); // grad mode is per thread: leave it as the next test expects
            }
            assertArrayEquals(new long[] {2, 3}, y.getShape().getShape());
            assertArrayEquals(x.mean(new int[] {3}).mean(new int[] {2}).toFloatArray(), y.toFloatArray(), 1e-5f);
            for (float g : x.getGradient().toFloatArray()) {
                assertEquals(1f / 20, g, 1e-7);
            }
        }
    }
}
