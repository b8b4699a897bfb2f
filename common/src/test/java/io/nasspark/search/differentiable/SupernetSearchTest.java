package io.nasspark.search.differentiable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.nasspark.data.Datasets;
import io.nasspark.data.ImageSet;
import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.SeededWeights;
import io.nasspark.predict.LookupTablePredictor;
import io.nasspark.predict.MlpPredictor;
import io.nasspark.space.Candidate;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.train.ImageBatches;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole searches on the small supernet of {@link MbConvSupernetTest} over real Fashion-MNIST
 * images at 16 px, with an MLP latency predictor fit to the networks' FLOPs (a stand-in target
 * every candidate has without measuring; in MFLOPs as if milliseconds).
 */
class SupernetSearchTest {

    private static final int SIZE = 16;
    private static final SupernetSearch.Settings TWO_EPOCHS =
            new SupernetSearch.Settings(2, 0, 32, 0.05, SupernetSearch.AlphaOptimizer.ADAM, 0.05, 0.05, 0, 0, 2, 5, 0.5, 0, 1);

    private static MlpPredictor latency;
    private static ImageBatches train;
    private static ImageBatches validation;

    @TempDir
    Path tmp;

    @BeforeAll
    static void predictorAndImages() {
        CandidateSampler sampler = new CandidateSampler(MbConvSupernetTest.TINY, 1);
        List<Candidate> cs = LongStream.range(0, 300).mapToObj(sampler::at).toList();
        double[] mflops = cs.stream().mapToDouble(SupernetSearchTest::mflops).toArray();
        latency = MlpPredictor.fit(MbConvSupernetTest.TINY, cs, mflops, true,
                new MlpPredictor.Settings(new int[] {32, 16}, 60, 32, 1e-2f), 3);
        ImageSet images = Datasets.open("fashion-mnist").train();
        ImageBatches.Normalisation norm = ImageBatches.Normalisation.of(images, 512);
        train = ImageBatches.of(images, 192, SIZE, norm);
        int[] rest = java.util.stream.IntStream.range(192, 320).toArray();
        validation = ImageBatches.of(images.subset(rest, java.util.stream.IntStream.range(0, 10).toArray(),
                images.classNames()), 128, SIZE, norm);
    }

    static double mflops(Candidate c) {
        return CostModel.of(MbConvSupernetTest.TINY.network(c, SIZE, 10), FeatureShape.image(3, SIZE)).flops() / 1e6;
    }

    private static MbConvSupernet seededSupernet(NDManager m) {
        MbConvSupernet s = new MbConvSupernet(MbConvSupernetTest.TINY, 10);
        s.initialize(m, DataType.FLOAT32, train.inputShape());
        SeededWeights.apply(s, SeededWeights.Scheme.HE, new SplittableRandom(9));
        return s;
    }

    private SupernetSearch.Result search(SupernetSearch.Method method, double target, Path checkpoints, int stopAfter) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new SupernetSearch(seededSupernet(m), latency, method, target, TWO_EPOCHS, 7)
                    .run(train, validation, checkpoints, stopAfter);
        }
    }

    @Test
    void lightNasMovesLambdaWithThePredictedLatencyAndDerivesACandidateOfTheSpace() {
        double target = 0.6 * mflops(MbConvSupernetTest.TINY.withOps(new io.nasspark.space.mbconv.MbConvOp[] {
            io.nasspark.space.mbconv.MbConvOp.MBK5E6, io.nasspark.space.mbconv.MbConvOp.MBK5E6,
            io.nasspark.space.mbconv.MbConvOp.MBK5E6, io.nasspark.space.mbconv.MbConvOp.MBK5E6}));
        SupernetSearch.Result r = search(SupernetSearch.Method.LIGHTNAS, target, null, Integer.MAX_VALUE);
        assertEquals(2 * 192 / 32, r.trace().size());
        double before = 0;
        for (SupernetSearch.TraceRow row : r.trace()) {
            double rise = row.lambda() - before;
            assertEquals(Math.signum(row.predictedMs() - target), Math.signum(rise), 0, "λ follows LAT − T: " + row);
            assertTrue(Double.isFinite(row.trainLoss()) && Double.isFinite(row.validationLoss()), row.toString());
            before = row.lambda();
        }
        assertEquals(MbConvSupernetTest.TINY.format(r.derived()), r.trace().get(r.trace().size() - 1).arch());
        assertEquals(latency.predict(MbConvSupernetTest.TINY, List.of(r.derived()))[0], r.predictedMs(), 1e-3 * r.predictedMs());
        System.out.printf("lightnas on the tiny supernet, T %.3f: derived %s, predicted %.3f, λ %.4g%n", target,
                MbConvSupernetTest.TINY.format(r.derived()), r.predictedMs(), r.lambda());
    }

    @Test
    void withinTargetTheSearchEndsWithTheMostProbableNetworkItsPredictorPutsNearT() {
        double target = 2.0;
        SupernetSearch.Settings withinTwoPercent = new SupernetSearch.Settings(2, 0, 32, 0.05,
                SupernetSearch.AlphaOptimizer.ADAM, 0.05, 0.05, 0, 0, 2, 5, 0.5, 0.02, 1);
        SupernetSearch.Result r;
        try (NDManager m = NDManager.newBaseManager()) {
            r = new SupernetSearch(seededSupernet(m), latency, SupernetSearch.Method.LIGHTNAS, target, withinTwoPercent, 7)
                    .run(train, validation, null, Integer.MAX_VALUE);
        }
        SupernetSearch.TraceRow last = r.trace().get(r.trace().size() - 1);
        double predicted = latency.predict(MbConvSupernetTest.TINY, List.of(r.derived()))[0];
        assertEquals(predicted, r.predictedMs(), 1e-3 * predicted);
        assertTrue(Math.abs(predicted / target - 1) <= 0.02, "within 2 % of T: " + predicted);
        if (Math.abs(last.predictedMs() / target - 1) <= 0.02) {
            assertEquals(last.arch(), MbConvSupernetTest.TINY.format(r.derived()), "an argmax within the band is kept");
        }
        System.out.printf("lightnas within 2 %% of T %.3f: argmax %s (%.3f), derived %s (%.3f)%n", target, last.arch(),
                last.predictedMs(), MbConvSupernetTest.TINY.format(r.derived()), predicted);
    }

    @Test
    void inTheWarmUpOnlyTheWeightsLearnThenAlphaAndLambdaMove() {
        SupernetSearch.Settings warm = new SupernetSearch.Settings(2, 1, 32, 0.05, SupernetSearch.AlphaOptimizer.ADAM, 0.05, 0.05, 0, 0, 2, 5, 0.5, 0, 1);
        SupernetSearch.Result r;
        try (NDManager m = NDManager.newBaseManager()) {
            r = new SupernetSearch(seededSupernet(m), latency, SupernetSearch.Method.LIGHTNAS, 2.0, warm, 7)
                    .run(train, validation, null, Integer.MAX_VALUE);
        }
        int perEpoch = 192 / 32;
        double uniform = Math.log(io.nasspark.space.mbconv.MbConvOp.STANDARD.size());
        for (SupernetSearch.TraceRow row : r.trace().subList(0, perEpoch)) {
            assertEquals(uniform, row.alphaEntropy(), 1e-6, "α stays at zero in the warm-up: " + row);
            assertEquals(0, row.lambda(), 0, "λ stays put in the warm-up: " + row);
            assertTrue(Double.isNaN(row.validationLoss()) && Double.isFinite(row.trainLoss()), row.toString());
        }
        SupernetSearch.TraceRow last = r.trace().get(r.trace().size() - 1);
        assertTrue(last.alphaEntropy() < uniform - 1e-4, "α learns after the warm-up: " + last);
        assertTrue(last.lambda() != 0 && Double.isFinite(last.validationLoss()), last.toString());
    }

    @Test
    void aSearchResumedFromItsFirstEpochsCheckpointEndsAsTheUninterruptedOne() {
        double target = 2.0;
        SupernetSearch.Result whole = search(SupernetSearch.Method.LIGHTNAS, target, tmp.resolve("whole"),
                Integer.MAX_VALUE);
        SupernetSearch.Result first = search(SupernetSearch.Method.LIGHTNAS, target, tmp.resolve("killed"), 1);
        assertEquals(192 / 32, first.trace().size(), "stopped after one epoch");
        SupernetSearch.Result resumed = search(SupernetSearch.Method.LIGHTNAS, target, tmp.resolve("killed"),
                Integer.MAX_VALUE);
        // the first epoch's trace comes back from the checkpoint, the second is run again: the same
        // steps, bit for bit (one intra-op thread)
        assertEquals(first.trace(), resumed.trace().subList(0, first.trace().size()));
        assertEquals(whole.trace(), resumed.trace());
        assertEquals(whole.derived(), resumed.derived());
        assertEquals(whole.lambda(), resumed.lambda(), 1e-9);
    }

    @Test
    void aSearchLeavesNoArraysBehindOnItsSupernetsManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            MbConvSupernet supernet = seededSupernet(m);
            int before = ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
            new SupernetSearch(supernet, latency, SupernetSearch.Method.LIGHTNAS, 2.0, TWO_EPOCHS, 7)
                    .run(train, validation, null, 1);
            // an SGD delta of every weight stayed on it each step before: a supernet a step
            assertEquals(before, ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size());
        }
    }

    @Test
    void theSandwichSearchTrainsTheLargestAndSmallestPathsEveryStepAndLearnsLambda() {
        MbConvSpace hybrid = MbConvSupernetTest.TINY.hybrid();
        CandidateSampler sampler = new CandidateSampler(hybrid, 2);
        List<Candidate> cs = LongStream.range(0, 200).mapToObj(sampler::at).toList();
        double[] mflops = cs.stream().mapToDouble(c -> CostModel.of(hybrid.network(c, SIZE, 10),
                FeatureShape.image(3, SIZE)).flops() / 1e6).toArray();
        LookupTablePredictor lut = LookupTablePredictor.fit(hybrid, cs, mflops);
        try (NDManager m = NDManager.newBaseManager()) {
            MbConvSupernet supernet = new MbConvSupernet(hybrid, 10);
            supernet.initialize(m, DataType.FLOAT32, train.inputShape());
            SeededWeights.apply(supernet, SeededWeights.Scheme.HE, new SplittableRandom(9));
            assertEquals(13, supernet.operators());
            float[] largestBefore = weightsOf(supernet, "layer3_MBK7E6");
            SupernetSearch.Result r = new SupernetSearch(supernet, lut, SupernetSearch.Method.SANDWICH, 2.0, TWO_EPOCHS,
                    7).run(train, validation, null, 1);
            assertEquals(192 / 32, r.trace().size());
            double before = 0;
            for (SupernetSearch.TraceRow row : r.trace()) {
                assertEquals(Math.signum(row.predictedMs() - 2.0), Math.signum(row.lambda() - before), 0,
                        "λ follows LAT − T: " + row);
                assertTrue(Double.isFinite(row.trainLoss()) && Double.isFinite(row.validationLoss()), row.toString());
                before = row.lambda();
            }
            // the largest path trains every step, whatever α prefers
            assertNotEquals(largestBefore[0], weightsOf(supernet, "layer3_MBK7E6")[0]);
            assertEquals(hybrid.format(r.derived()), r.trace().get(r.trace().size() - 1).arch());
            assertEquals(r.derived(), hybrid.parse(hybrid.format(r.derived())));
        }
    }

    private static float[] weightsOf(MbConvSupernet supernet, String operator) {
        return supernet.getChildren().stream().filter(b -> b.getKey().endsWith(operator)).findFirst().orElseThrow()
                .getValue().getParameters().get(0).getValue().getArray().toFloatArray();
    }

    @Test
    void fixedLambdaHoldsItsLambdaAndSurgeNasTrainsOrderedPathsOnOneLevel() {
        SupernetSearch.Result fixed = search(SupernetSearch.Method.FIXED_LAMBDA, 2.0, null, 1);
        assertTrue(fixed.trace().stream().allMatch(row -> row.lambda() == 0), "λ stays at its start");
        SupernetSearch.Result surge = search(SupernetSearch.Method.SURGENAS, 2.0, null, 1);
        assertEquals(192 / 32, surge.trace().size());
        assertTrue(surge.trace().stream().allMatch(row -> Double.isFinite(row.trainLoss())
                && Double.isNaN(row.validationLoss())), "one level: no validation step");
    }
}
