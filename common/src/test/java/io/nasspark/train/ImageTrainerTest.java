package io.nasspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import io.nasspark.data.Datasets;
import io.nasspark.data.ImageSet;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Trains small nb201 cells on the first Fashion-MNIST images at 16 px. */
class ImageTrainerTest {

    private static final SearchSpace NB201 = SearchSpaces.byName("nb201");
    private static final TrainingRecipe FIXED = new TrainingRecipe(3, 32, 256, "sgd", 0.05f, 0.9f, 0f, "cosine",
            false, 7);
    private static ImageBatches train;
    private static ImageBatches test;

    @BeforeAll
    static void load() {
        Datasets.Splits fm = Datasets.open("fashion-mnist");
        ImageBatches.Normalisation norm = ImageBatches.Normalisation.of(fm.train(), 256);
        train = ImageBatches.of(fm.train(), 256, 16, norm);
        test = ImageBatches.of(fm.test(), 500, 16, norm);
    }

    private static float[][] losses(String arch, TrainingRecipe recipe) {
        Candidate c = NB201.parse(arch);
        try (ImageTrainer t = new ImageTrainer(DjlNetworkBuilder.build(NB201.network(c, 16, 10)), train, recipe,
                42, 1)) {
            float[][] out = new float[recipe.epochs()][];
            for (int e = 0; e < recipe.epochs(); e++) {
                out[e] = t.epoch(train);
            }
            return out;
        }
    }

    private static final String CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    @Test
    void twoCandidatesTrainingAtOnceGiveTheLossesOfTrainingAlone() throws Exception {
        String other = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|avg_pool_3x3~2|";
        float[][] aloneA = losses(CONV, FIXED);
        float[][] aloneB = losses(other, FIXED);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<float[][]> a = pool.submit(() -> losses(CONV, FIXED));
            Future<float[][]> b = pool.submit(() -> losses(other, FIXED));
            assertTrue(Arrays.deepEquals(aloneA, a.get()), "candidate A's losses changed when trained beside B");
            assertTrue(Arrays.deepEquals(aloneB, b.get()), "candidate B's losses changed when trained beside A");
        } finally {
            pool.shutdownNow();
        }
        assertFalse(Arrays.deepEquals(aloneA, aloneB));
        // Fixed batch order, so batch n is the same images each epoch and its loss falls.
        int falling = 0;
        for (int n = 0; n < aloneA[0].length; n++) {
            falling += aloneA[2][n] < aloneA[0][n] ? 1 : 0;
        }
        assertTrue(falling >= aloneA[0].length * 3 / 4, "losses did not fall: " + Arrays.deepToString(aloneA));
    }

    @Test
    void trainedNetworkBeatsChanceAndTheSeedChangesTheRun() {
        TrainingRecipe longer = new TrainingRecipe(6, 32, 256, "adam", 0.005f, 0f, 0f, "cosine", true, 7);
        Candidate c = NB201.parse(CONV);
        float firstLoss;
        try (ImageTrainer t = new ImageTrainer(DjlNetworkBuilder.build(NB201.network(c, 16, 10)), train, longer, 1,
                1)) {
            firstLoss = t.epoch(train)[0];
            for (int e = 1; e < longer.epochs(); e++) {
                t.epoch(train);
            }
            ImageTrainer.Accuracy acc = t.evaluate(test);
            assertEquals(500, acc.images());
            assertTrue(acc.top1() > 40, "top-1 " + acc.top1() + " % after 6 epochs on 256 images");
            assertTrue(acc.top5() >= acc.top1() && acc.top5() > 80, "top-5 " + acc.top5());
        }
        try (ImageTrainer other = new ImageTrainer(DjlNetworkBuilder.build(NB201.network(c, 16, 10)), train, longer, 2,
                1)) {
            assertNotEquals(other.epoch(train)[0], firstLoss, "seeds 1 and 2 drew the same weights");
        }
    }

    @Test
    void aHugeLearningRateIsReportedAsDivergence() {
        TrainingRecipe wild = new TrainingRecipe(3, 32, 256, "sgd", 1e12f, 0.9f, 0f, "constant", false, 7);
        DivergedException e = assertThrows(DivergedException.class, () -> losses(CONV, wild));
        assertTrue(e.epoch() >= 1 && e.epoch() <= 3, e.getMessage());
        assertTrue(e.getMessage().contains("diverged"), e.getMessage());
    }

    @Test
    void fewerImagesThanABatchAreRefused() {
        TrainingRecipe big = new TrainingRecipe(1, 512, 0, "sgd", 0.05f, 0.9f, 0f, "cosine", false, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> losses(CONV, big));
        assertTrue(e.getMessage().contains("fewer than one batch of 512"), e.getMessage());
    }

    @Test
    void jacobianPassLeavesTheSeededStartUntouched() {
        Candidate c = NB201.parse(CONV);
        try (ImageTrainer t = new ImageTrainer(DjlNetworkBuilder.build(NB201.network(c, 16, 10)), train, FIXED, 42,
                1)) {
            float[][] j = t.inputJacobian(train);
            assertEquals(32, j.length);
            assertEquals(16 * 16, j[0].length);
            double score = Proxies.jacobianCovariance(j);
            assertTrue(Double.isFinite(score), "jacov " + score);
            float[] afterJacobian = t.epoch(train);
            assertArrayEquals(losses(CONV, FIXED)[0], afterJacobian);
        }
    }

    @Test
    void colourBatchesReadBackInNchwOrderThoughLaidOutChannelsLast() {
        byte[] bytes = new byte[2 * 3 * 2 * 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 10);
        }
        ImageSet colour = new ImageSet(bytes, new int[] {0, 1}, 3, 2, 2, new String[] {"a", "b"});
        ImageBatches batches = ImageBatches.of(colour, 0, 2, new ImageBatches.Normalisation(new float[] {0, 0, 0},
                new float[] {1, 1, 1}));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray x = batches.images(m, new int[] {1, 0}, 0, 2);
            assertEquals(new ai.djl.ndarray.types.Shape(2, 3, 2, 2), x.getShape());
            float[] read = x.toFloatArray();
            for (int i = 0; i < read.length; i++) {
                int image = i / 12 == 0 ? 1 : 0; // the order puts image 1 first
                assertEquals((image * 12 + i % 12) * 10 / 255f, read[i], 1e-6, "element " + i);
            }
            // Channel 1 of image 1, through the engine rather than a host copy.
            assertEquals((12 + 4) * 10 / 255f, x.get(0, 1, 0, 0).getFloat(), 1e-6);
        }
    }

    @Test
    void resizesBilinearlyAndStandardisesPerChannel() {
        ImageSet two = new ImageSet(new byte[] {0, (byte) 255, 0, (byte) 255, 0, 0, 0, 0}, new int[] {0, 1}, 1, 2, 2,
                new String[] {"a", "b"});
        ImageBatches.Normalisation norm = ImageBatches.Normalisation.of(two, 2);
        assertEquals(0.25f, norm.mean()[0], 1e-6);
        ImageBatches same = ImageBatches.of(two, 0, 2, new ImageBatches.Normalisation(new float[] {0},
                new float[] {1}));
        assertEquals(2, same.size());
        ImageBatches up = ImageBatches.of(two, 1, 4, new ImageBatches.Normalisation(new float[] {0},
                new float[] {1}));
        float[] px = up.images(ai.djl.ndarray.NDManager.newBaseManager(), new int[] {0}, 0, 1).toFloatArray();
        // A column of ones beside a column of zeros: the middle of the upsampled row is half way.
        assertEquals(0f, px[0], 1e-6);
        assertEquals(0.25f, px[1], 1e-6);
        assertEquals(0.75f, px[2], 1e-6);
        assertEquals(1f, px[3], 1e-6);
    }

    @Test
    void elasticTrainingIsSeededAndBatchNormIsRecalibratedPerResolution() {
        Datasets.Splits fm = Datasets.open("fashion-mnist");
        ImageBatches.Normalisation norm = ImageBatches.Normalisation.of(fm.train(), 256);
        // NAS-Bench-201's two reductions want sizes divisible by 4
        List<ImageBatches> bySize = List.of(ImageBatches.of(fm.train(), 128, 8, norm),
                ImageBatches.of(fm.train(), 128, 12, norm), ImageBatches.of(fm.train(), 128, 16, norm));
        TrainingRecipe recipe = new TrainingRecipe(1, 32, 128, "sgd", 0.05f, 0.9f, 0f, "cosine", true, 3);
        Candidate c = NB201.parse(CONV);
        float[][] runs = new float[2][];
        float[] at12 = null;
        float[] at16 = null;
        float[] at16Again = null;
        for (int run = 0; run < 2; run++) {
            Block block = DjlNetworkBuilder.build(NB201.network(c, 16, 10));
            try (ImageTrainer t = new ImageTrainer(block, bySize.get(2), recipe, 42, 1)) {
                runs[run] = t.elasticEpoch(bySize);
                if (run == 1) {
                    break;
                }
                t.recalibrateBatchNorm(bySize.get(1), 32);
                at12 = runningMean(block);
                assertTrue(t.evaluate(ImageBatches.of(fm.test(), 100, 12, norm)).top1() > 10, "it runs at 12 px");
                t.recalibrateBatchNorm(bySize.get(2), 32);
                at16 = runningMean(block);
                t.recalibrateBatchNorm(bySize.get(2), 32);
                at16Again = runningMean(block);
            }
        }
        assertArrayEquals(runs[0], runs[1], "same seed, same draws of resolution, same losses");
        for (float loss : runs[0]) {
            assertTrue(Float.isFinite(loss) && loss > 0, Arrays.toString(runs[0]));
        }
        double apart = 0;
        double again = 0;
        for (int i = 0; i < at16.length; i++) {
            apart = Math.max(apart, Math.abs(at12[i] - at16[i]));
            again = Math.max(again, Math.abs(at16Again[i] - at16[i]));
        }
        assertTrue(apart > 1e-3, "the statistics depend on the resolution: " + apart);
        // 32 passes at DJL's momentum 0.9 leave 0.9^32 = 3 % of the statistics they started from
        assertTrue(again < 0.05 * apart, "recalibrated twice at one resolution, the statistics hold: " + again);
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> {
            try (ImageTrainer t = new ImageTrainer(DjlNetworkBuilder.build(NB201.network(c, 16, 10)), train, recipe,
                    42, 1)) {
                t.elasticEpoch(List.of(train));
            }
        });
        assertTrue(one.getMessage().contains("at least two resolutions"), one.getMessage());
    }

    /** The running means of the network's first BatchNorm. */
    private static float[] runningMean(Block block) {
        return block.getParameters().stream().filter(p -> p.getKey().endsWith("runningMean")).findFirst()
                .orElseThrow().getValue().getArray().toFloatArray();
    }
}
