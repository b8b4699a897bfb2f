package io.nasspark.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.graft.GraftSpace;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Merged networks against the networks they came from, on random weights and BatchNorm
 * statistics far from identities, in float32, within {@link Equivalence#TOLERANCE}. CI runs
 * this class again under restricted instruction sets (ONEDNN_MAX_CPU_ISA).
 */
class LinearMergeTest {

    private static LinearMerge.Result checkedMerge(Layer network, FeatureShape input, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<float[]> values = Equivalence.trainedLikeValues(network, input, rng);
        LinearMerge.Result merged = LinearMerge.merge(network, values, input);
        Equivalence.Gap gap = Equivalence.compare(network, values, merged.network(), merged.values(), input, 2, rng);
        assertTrue(gap.largestOutput() > 0.1, "outputs too small to judge: " + gap);
        assertTrue(gap.equivalent(), "merged output differs: " + gap);
        System.out.printf(Locale.ROOT, "merge seed %d: %d -> %d linear layers, largest error %.3g of outputs up to %.3g%n",
                seed, merged.linearBefore(), merged.linearAfter(), gap.largestError(), gap.largestOutput());
        return merged;
    }

    private static Layer linearMbConv(int in, int out, int kernel, int hidden, int stride) {
        Layer body = Layer.Sequence.of(
                Layer.Conv.of(in, hidden, 1, 1), new Layer.BatchNorm(hidden),
                Layer.Conv.depthwise(hidden, kernel, stride), new Layer.BatchNorm(hidden),
                Layer.Conv.of(hidden, out, 1, 1), new Layer.BatchNorm(out));
        return stride == 1 && in == out ? new Layer.Residual(body, new Layer.Identity()) : body;
    }

    @Test
    void aGraftedMbConvBlockWithItsResidualBecomesOneDenseConvolution() {
        FeatureShape input = FeatureShape.image(12, 9);
        LinearMerge.Result r = checkedMerge(linearMbConv(12, 12, 5, 72, 1), input, 1);
        Layer.Conv conv = firstConv(r.network());
        assertEquals(new Layer.Conv(12, 12, 5, 1, 1, false), conv, "the expand's shift needs a bias map");
        assertEquals(List.of(), r.refusals());
        assertEquals(6, r.linearBefore()); // 3 convs and 3 BatchNorms
        assertEquals(2, r.linearAfter()); // the conv and its bias map
    }

    @Test
    void aCorruptedMergedWeightIsJudgedDifferent() {
        FeatureShape input = FeatureShape.image(12, 9);
        Layer block = linearMbConv(12, 12, 5, 72, 1);
        SplittableRandom rng = new SplittableRandom(11);
        List<float[]> values = Equivalence.trainedLikeValues(block, input, rng);
        LinearMerge.Result merged = LinearMerge.merge(block, values, input);
        List<float[]> corrupted = new java.util.ArrayList<>(merged.values());
        float[] kernel = corrupted.get(0).clone();
        kernel[kernel.length / 2] += 1;
        corrupted.set(0, kernel);
        Equivalence.Gap gap = Equivalence.compare(block, values, merged.network(), corrupted, input, 2, rng);
        assertFalse(gap.equivalent(), gap.toString());
        assertTrue(gap.difference().startsWith("the merged network does not compute what the original does:"
                + " largest output error"), gap.difference());
    }

    @Test
    void aStridedBlockWithoutExpansionMergesWithoutABiasMap() {
        // depthwise KxK then 1x1: the biased layer comes after the padded one, so no map
        Layer block = Layer.Sequence.of(Layer.Conv.depthwise(8, 3, 2), new Layer.BatchNorm(8),
                Layer.Conv.of(8, 16, 1, 1), new Layer.BatchNorm(16));
        LinearMerge.Result r = checkedMerge(block, FeatureShape.image(8, 11), 2);
        assertEquals(new Layer.Conv(8, 16, 3, 2, 1, true), r.network() instanceof Layer.Conv c ? c : firstConv(r.network()));
        assertEquals(1, r.linearAfter());
    }

    @Test
    void aBottleneckWithAProjectionShortcutFoldsIntoOne3x3() {
        Layer body = Layer.Sequence.of(Layer.Conv.of(16, 8, 1, 1), new Layer.BatchNorm(8),
                Layer.Conv.of(8, 8, 3, 2), new Layer.BatchNorm(8), Layer.Conv.of(8, 32, 1, 1), new Layer.BatchNorm(32));
        Layer shortcut = Layer.Sequence.of(Layer.Conv.of(16, 32, 1, 2), new Layer.BatchNorm(32));
        Layer block = Layer.Sequence.of(new Layer.Residual(body, shortcut), Layer.Activation.RELU);
        LinearMerge.Result r = checkedMerge(block, FeatureShape.image(16, 10), 3);
        assertEquals(new Layer.Conv(16, 32, 3, 2, 1, false), firstConv(r.network()));
        assertEquals(2, r.linearAfter());
        assertEquals(List.of(), r.refusals());
    }

    @Test
    void aLoneDepthwiseConvolutionStaysDepthwiseWithItsBatchNormFolded() {
        Layer block = Layer.Sequence.of(Layer.Conv.depthwise(6, 3, 1), new Layer.BatchNorm(6), Layer.Activation.RELU6);
        LinearMerge.Result r = checkedMerge(block, FeatureShape.image(6, 7), 4);
        assertEquals(new Layer.Conv(6, 6, 3, 1, 6, true), firstConv(r.network()));
    }

    @Test
    void twoSpatialKernelsInARowAreKeptApartAndSaidWhere() {
        Layer block = Layer.Sequence.of(Layer.Conv.of(4, 4, 3, 1), new Layer.BatchNorm(4),
                Layer.Conv.of(4, 4, 3, 1), new Layer.BatchNorm(4));
        LinearMerge.Result r = checkedMerge(block, FeatureShape.image(4, 8), 5);
        assertEquals(1, r.refusals().size());
        LinearMerge.Refusal refusal = r.refusals().get(0);
        assertEquals("net/2", refusal.path());
        assertEquals("3x3 convolution 4->4", refusal.layer());
        assertTrue(refusal.reason().contains("not exact at the image border"), refusal.toString());
        assertEquals(2, r.linearAfter());
    }

    @Test
    void graftedBasicBlocksAreKeptAsTheyAreAndNamed() {
        GraftSpace space = (GraftSpace) SearchSpaces.byName("graft:resnet-basic-small");
        Candidate c = space.parse("011111");
        LinearMerge.Result r = checkedMerge(space.network(c, 16, 10), FeatureShape.image(3, 16), 6);
        // one refusal: the body stays two convolutions, so its residual stays a sum
        assertEquals(1, r.refusals().size(), r.refusals().toString());
        LinearMerge.Refusal pair = r.refusals().get(0);
        assertEquals("basic block 32->32 (stage 1, block 1) at net/3/0/body/2", space.describe(pair.path()));
        assertTrue(pair.reason().contains("not exact at the image border"), pair.reason());
    }

    @Test
    void cellNetworksFoldTheirBatchNormsToo() {
        // nb201: DAG cells with ReLU-conv-BN edges, pooling, zero edges and residual reductions
        var space = SearchSpaces.byName("nb201");
        Candidate c = space.parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
        LinearMerge.Result r = checkedMerge(space.network(c, 8, 10), FeatureShape.image(3, 8), 8);
        assertEquals(List.of(), r.refusals());
        assertTrue(r.linearAfter() < r.linearBefore(), r.linearBefore() + " -> " + r.linearAfter());
    }

    @Test
    void randomGraftedNetworksMergeToTheSameOutputs() {
        double largest = 0;
        for (String name : List.of("graft:resnet-small", "graft:mbconv-small")) {
            GraftSpace space = (GraftSpace) SearchSpaces.byName(name);
            SplittableRandom rng = new SplittableRandom(7);
            for (int i = 0; i < 3; i++) {
                Candidate c = i == 0 ? space.parse("0".repeat(space.genes())) : space.sample(rng);
                FeatureShape input = FeatureShape.image(3, 16);
                LinearMerge.Result r = checkedMerge(space.network(c, 16, 10), input, 100 + i);
                assertEquals(List.of(), r.refusals(), name + " " + space.format(c));
                assertTrue(r.linearAfter() < r.linearBefore());
            }
        }
    }

    private static Layer.Conv firstConv(Layer layer) {
        if (layer instanceof Layer.Conv c) {
            return c;
        } else if (layer instanceof Layer.Sequence s) {
            for (Layer inner : s.layers()) {
                Layer.Conv c = firstConv(inner);
                if (c != null) {
                    return c;
                }
            }
        } else if (layer instanceof Layer.Residual r) {
            return firstConv(r.body());
        }
        return null;
    }
}
