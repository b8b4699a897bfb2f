package io.nasspark.space.mbconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.nasspark.compress.Equivalence;
import io.nasspark.compress.LinearMerge;
import io.nasspark.data.Datasets;
import io.nasspark.data.ImageSet;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FadingReLU6;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.space.ArchParseException;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpaces;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.ImageTrainer;
import io.nasspark.train.TrainingRecipe;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hybrid transformable spaces of Double-Win NAS: linear blocks beside the standard
 * operators, their merge into one convolution each, and hybrid transformable training on real
 * Fashion-MNIST images, after which the trained deep network and its shallow transform compute
 * the same.
 */
class HybridSpaceTest {

    private static final int SIZE = 16;
    /** Four searchable layers of 8 and 16 channels at 16 px: cheap to train in a test. */
    private static final MbConvSpace TINY = new MbConvSpace("mbconv-tiny", new MbConvLayout(8, 1, 8,
            List.of(new MbConvLayout.Stage(8, 2, 1), new MbConvLayout.Stage(16, 2, 2)), 32, 16), false).hybrid();

    @Test
    void aHybridSpaceOffersTheLinearBlocksAndKeepsTheStandardEncodings() {
        MbConvSpace hybrid = (MbConvSpace) SearchSpaces.byName("mbconv-mini-hybrid");
        MbConvSpace standard = (MbConvSpace) SearchSpaces.byName("mbconv-mini");
        assertEquals(13, hybrid.operators().size());
        assertEquals(7, standard.operators().size());
        String arch = "MBK3E6-Skip-MBK5E3-MBK7E6-MBK3E3-Skip-MBK3E6-MBK5E6";
        assertEquals(standard.encoding(standard.parse(arch)), hybrid.encoding(hybrid.parse(arch)),
                "standard operators have the same genes in both spaces");
        assertNotEquals(standard.id(standard.parse(arch)), hybrid.id(hybrid.parse(arch)), "but the space names differ");

        Candidate c = TINY.parse("LMBK3E6-Skip-LMBK7E3-MBK5E6");
        assertEquals("LMBK3E6-Skip-LMBK7E3-MBK5E6", TINY.format(c));
        assertTrue(TINY.op(c, 0).isLinear() && !TINY.op(c, 3).isLinear());
        ArchParseException refused = assertThrows(ArchParseException.class, () -> standard.parse(
                "LMBK3E6-Skip-MBK5E3-MBK7E6-MBK3E3-Skip-MBK3E6-MBK5E6"));
        assertTrue(refused.getMessage().contains("only the hybrid spaces") && refused.getMessage().contains(
                "mbconv-mini-hybrid"), refused.getMessage());
        assertThrows(ArchParseException.class, () -> TINY.parse("LMBK3E4-Skip-MBK5E3-MBK5E6"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SearchSpaces.byName("nb201-hybrid"));
        assertTrue(unknown.getMessage().contains("only MBConv spaces"), unknown.getMessage());
    }

    @Test
    void aLinearBlockHasNoActivationInsideAndMergesIntoOneConvolution() {
        Candidate c = TINY.parse("LMBK5E6-LMBK3E3-MBK3E6-LMBK7E6");
        Layer deep = TINY.network(c, SIZE, 10);
        FeatureShape input = FeatureShape.image(3, SIZE);
        List<float[]> values = Equivalence.trainedLikeValues(deep, input, new SplittableRandom(4));
        LinearMerge.Result shallow = LinearMerge.merge(deep, values, input);
        // stem conv+BN, MBK3E1 (no expansion) 2 conv+2 BN, three linear blocks 3 conv+3 BN each, MBK3E6 3+3, head
        assertEquals(2 + 4 + 3 * 6 + 6 + 2, shallow.linearBefore());
        assertEquals(2 + 4 + 3 * 6 + 6 + 2, convolutions(deep) + batchNorms(deep));
        // the BatchNorms fold away; stem 1, MBK3E1 2 (non-linear inside), each linear block 1, MBK3E6 3, head 1
        assertEquals(1 + 2 + 3 + 3 + 1, convolutions(shallow.network()));
        assertEquals(0, batchNorms(shallow.network()));
        assertTrue(shallow.refusals().isEmpty(), shallow.refusals().toString());
        Equivalence.Gap gap = Equivalence.compare(deep, values, shallow.network(), shallow.values(), input, 2,
                new SplittableRandom(5));
        assertTrue(gap.equivalent(), gap.difference());
        assertEquals(LinearMerge.shallow(deep, input), shallow.network(), "the merge's shape does not depend on values");
    }

    @Test
    void aFadingReLU6BlendsTowardTheIdentity() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            FadingReLU6 fading = new FadingReLU6();
            NDArray x = m.create(new float[] {-2f, 0.5f, 3f, 8f});
            assertEquals(List.of(fading), FadingReLU6.in(fading));
            fading.setLinearity(0.25);
            float[] y = fading.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow()
                    .toFloatArray();
            float[] relu6 = {0f, 0.5f, 3f, 6f};
            for (int i = 0; i < y.length; i++) {
                assertEquals(0.75 * relu6[i] + 0.25 * x.getFloat(i), y[i], 1e-6);
            }
            fading.setLinearity(1);
            assertEquals(x, fading.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow(),
                    "the identity at t = 1");
            assertThrows(IllegalArgumentException.class, () -> fading.setLinearity(1.5));
        }
    }

    @Test
    void hybridTransformableTrainingEndsLinearSoTheTrainedNetworkAndItsMergeComputeTheSame() {
        Candidate c = TINY.parse("LMBK5E6-LMBK3E3-MBK3E6-LMBK7E6");
        Layer fading = TINY.fadingNetwork(c, SIZE, 10);
        Layer linear = TINY.network(c, SIZE, 10);
        assertNotEquals(linear, fading);
        ImageSet images = Datasets.open("fashion-mnist").train();
        ImageBatches data = ImageBatches.of(images, 128, SIZE, ImageBatches.Normalisation.of(images, 256));
        TrainingRecipe recipe = new TrainingRecipe(2, 32, 128, "sgd", 0.05f, 0.9f, 5e-4f, "cosine", true, 0);
        FeatureShape input = FeatureShape.image(1, SIZE); // Fashion-MNIST is grey
        Block block = DjlNetworkBuilder.build(fading);
        List<FadingReLU6> activations = FadingReLU6.in(block);
        assertEquals(6, activations.size(), "two in each of the three linear blocks");
        ImageBatches test = ImageBatches.of(Datasets.open("fashion-mnist").test(), 200, SIZE,
                ImageBatches.Normalisation.of(images, 256));
        try (ImageTrainer trainer = new ImageTrainer(block, data, recipe, 1, 1).fadeNonLinearity(1.0);
                ImageTrainer linearTwin = new ImageTrainer(DjlNetworkBuilder.build(linear), data, recipe, 1, 1)) {
            List<float[]> initial = trainer.values();
            assertTrue(activations.stream().allMatch(a -> a.linearity() == 0), "a ReLU6 at the start");
            trainer.epoch(data);
            assertTrue(activations.stream().allMatch(a -> a.linearity() == 0.5), "half way after one of two epochs");
            trainer.epoch(data);
            assertTrue(activations.stream().allMatch(a -> a.linearity() == 1), "the identity at the end");
            List<float[]> trained = trainer.values();
            assertNotEquals(initial.get(0)[0], trained.get(0)[0], "it trained");
            // the linear network on the trained values is the trained network
            linearTwin.load(trained);
            ImageTrainer.Accuracy deep = trainer.evaluate(test);
            assertTrue(deep.top1() > 10, "learned something: " + deep);
            assertEquals(deep, linearTwin.evaluate(test));
            LinearMerge.Result shallow = LinearMerge.merge(linear, trained, input);
            Equivalence.Gap gap = Equivalence.compare(linear, trained, shallow.network(), shallow.values(), input, 2,
                    new SplittableRandom(3));
            assertTrue(gap.equivalent(), gap.difference());
        }
    }

    private static int convolutions(Layer layer) {
        return Layer.count(layer, Layer.Conv.class);
    }

    private static int batchNorms(Layer layer) {
        return Layer.count(layer, Layer.BatchNorm.class);
    }
}
