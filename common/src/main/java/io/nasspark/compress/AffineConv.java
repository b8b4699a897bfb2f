package io.nasspark.compress;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import java.util.Arrays;

/**
 * A convolution with a shift, in doubles, as linear reparameterization sees every linear layer:
 * {@code y = W * pad(x) + b + m}, where {@code b} is one value per output channel and {@code m}
 * an optional map of one value per output channel and position. The map is needed only when a
 * biased 1x1 feeds a padded KxK: the KxK sees zeros outside the image where the original saw
 * the bias, so the merged shift differs along the border.
 *
 * <p>Weights are stored like DJL's {@code (out, in / groups, k, k)}.
 */
final class AffineConv {

    private static final int OUTPUT_TILE = 16;

    final int in;
    final int out;
    final int kernel;
    final int stride;
    final int groups;
    /** Input and output feature-map sizes. */
    final FeatureShape input;
    final FeatureShape output;
    final double[] weight;
    final double[] bias;
    /** Position-dependent part of the shift, {@code (out, H, W)}, or null. */
    final double[] map;
    /** Whether the layers it stands for added any shift (else the merged conv needs no bias). */
    final boolean biased;

    private AffineConv(int in, int out, int kernel, int stride, int groups, FeatureShape input,
            double[] weight, double[] bias, double[] map, boolean biased) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.groups = groups;
        this.input = input;
        int pad = kernel / 2;
        this.output = new FeatureShape(out,
                (input.height() + 2 * pad - kernel) / stride + 1,
                (input.width() + 2 * pad - kernel) / stride + 1);
        this.weight = weight;
        this.bias = bias;
        this.map = map;
        this.biased = biased;
    }

    /** A convolution layer with its DJL values: the weight, then the bias if it has one. */
    static AffineConv of(Layer.Conv c, float[] weight, float[] bias, FeatureShape input) {
        double[] b = new double[c.out()];
        if (bias != null) {
            for (int o = 0; o < b.length; o++) {
                b[o] = bias[o];
            }
        }
        return new AffineConv(c.in(), c.out(), c.kernel(), c.stride(), c.groups(), input,
                toDoubles(weight), b, null, c.bias());
    }

    /** A BatchNorm with no convolution before it: a depthwise 1x1 convolution. */
    static AffineConv batchNorm(int channels, float[][] values, FeatureShape input) {
        double[] ones = new double[channels];
        Arrays.fill(ones, 1);
        AffineConv identity = new AffineConv(channels, channels, 1, 1, channels, input,
                ones, new double[channels], null, false);
        return identity.foldBatchNorm(values, LinearMerge.BATCH_NORM_EPSILON);
    }

    /**
     * This convolution followed by a BatchNorm in inference mode.
     *
     * @param values gamma, beta, running mean, running variance (DJL's parameter order)
     */
    AffineConv foldBatchNorm(float[][] values, double epsilon) {
        float[] gamma = values[0];
        float[] beta = values[1];
        float[] mean = values[2];
        float[] variance = values[3];
        double[] w = weight.clone();
        double[] b = new double[out];
        double[] m = map == null ? null : map.clone();
        int perOut = w.length / out;
        int pixels = output.height() * output.width();
        for (int o = 0; o < out; o++) {
            double scale = gamma[o] / Math.sqrt(variance[o] + epsilon);
            for (int k = o * perOut; k < (o + 1) * perOut; k++) {
                w[k] *= scale;
            }
            b[o] = (bias[o] - mean[o]) * scale + beta[o];
            if (m != null) {
                for (int p = o * pixels; p < (o + 1) * pixels; p++) {
                    m[p] *= scale;
                }
            }
        }
        return new AffineConv(in, out, kernel, stride, groups, input, w, b, m, true);
    }

    /**
     * Why {@code next} applied after this cannot become one convolution with the same output,
     * or null when it can. Two spatial kernels cannot: the second zero-pads the first's output,
     * while one merged kernel would see the first's response to the padding there. Nor can a
     * spatial kernel after a strided one, whose taps fall between the merged grid's.
     */
    String whyNotThen(AffineConv next) {
        if (next.in != out) {
            return "channel counts differ (" + out + " then " + next.in + ")";
        }
        if (next.kernel > 1 && kernel > 1) {
            return "a " + next.kernel + "x" + next.kernel + " convolution after a " + kernel + "x" + kernel
                    + " one: merging two spatial kernels is not exact at the image border, where the"
                    + " second zero-pads";
        }
        if (next.kernel > 1 && stride > 1) {
            return "a " + next.kernel + "x" + next.kernel + " convolution after a strided 1x1 one";
        }
        return null;
    }

    /**
     * The one convolution equal to this followed by {@code next} (Eq. 5.8 for a 1x1 and a KxK in
     * either order). Call {@link #whyNotThen} first.
     */
    AffineConv then(AffineConv next) {
        String why = whyNotThen(next);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        boolean pointwiseNext = next.kernel == 1;
        int k = pointwiseNext ? kernel : next.kernel;
        int s = stride * next.stride;
        int g = groups == next.groups ? groups : 1;
        double[] w = pointwiseNext ? spatialThenPointwise(next, k, g) : pointwiseThenSpatial(next, k, g);
        AffineConv merged = new AffineConv(in, next.out, k, s, g, input, w, next.bias.clone(), null,
                biased || next.biased);
        return merged.withShift(next.shiftOf(this));
    }

    /** {@code W*[o][i][t] = Σ_j W2[o][j] · W1[j][i][t]}: this is any kernel, next is 1x1. */
    private double[] spatialThenPointwise(AffineConv next, int k, int g) {
        int taps = k * k;
        if (g == 1) {
            return denseProduct(next, taps);
        }
        double[] w = new double[next.out * (in / g) * taps];
        int nextInPerGroup = next.in / next.groups;
        int inPerGroup = in / groups;
        int resultInPerGroup = in / g;
        int run = inPerGroup * taps; // j's kernels over its inputs: one contiguous run
        // Tiles of outputs share each row of W1 while it is in cache: W1 can be tens of MB.
        for (int tile = 0; tile < next.out; tile += OUTPUT_TILE) {
            int tileEnd = Math.min(next.out, tile + OUTPUT_TILE);
            int jLow = (tile / (next.out / next.groups)) * nextInPerGroup;
            int jHigh = ((tileEnd - 1) / (next.out / next.groups) + 1) * nextInPerGroup;
            for (int j = jLow; j < jHigh; j++) {
                int src = j * run;
                int iFrom = (j / (out / groups)) * inPerGroup;
                for (int o = tile; o < tileEnd; o++) {
                    int jj = j - (o / (next.out / next.groups)) * nextInPerGroup;
                    if (jj < 0 || jj >= nextInPerGroup) {
                        continue;
                    }
                    double scale = next.weight[o * nextInPerGroup + jj];
                    if (scale == 0) {
                        continue;
                    }
                    int dst = (o * resultInPerGroup + iFrom - (o / (next.out / g)) * resultInPerGroup) * taps;
                    for (int t = 0; t < run; t++) {
                        w[dst + t] += scale * weight[src + t];
                    }
                }
            }
        }
        return w;
    }

    /**
     * The dense case as one matrix product {@code (out × mid) · (mid × in·k²)} in the engine:
     * an MBConv's project after its merged expand and depthwise is billions of multiply-adds
     * (256 × 1536 × 256 × 9 for one block), which BLAS does several times faster than a loop.
     */
    private double[] denseProduct(AffineConv next, int taps) {
        double[] first = groups == 1 ? weight : densify(this);
        double[] second = next.groups == 1 ? next.weight : densify(next);
        Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(second, new Shape(next.out, out));
            NDArray b = manager.create(first, new Shape(out, (long) in * taps));
            return a.matMul(b).toDoubleArray();
        }
    }

    /** {@code W*[o][i][t] = Σ_j W2[o][j][t] · W1[j][i]}: this is 1x1 at stride 1, next any kernel. */
    private double[] pointwiseThenSpatial(AffineConv next, int k, int g) {
        int taps = k * k;
        double[] w = new double[next.out * (in / g) * taps];
        int nextInPerGroup = next.in / next.groups;
        int inPerGroup = in / groups;
        int resultInPerGroup = in / g;
        for (int o = 0; o < next.out; o++) {
            int jFrom = (o / (next.out / next.groups)) * nextInPerGroup;
            int resultFirstIn = (o / (next.out / g)) * resultInPerGroup;
            for (int jj = 0; jj < nextInPerGroup; jj++) {
                int j = jFrom + jj;
                int iFrom = (j / (out / groups)) * inPerGroup;
                int src2 = (o * nextInPerGroup + jj) * taps;
                for (int ii = 0; ii < inPerGroup; ii++) {
                    double scale = weight[j * inPerGroup + ii];
                    if (scale == 0) {
                        continue;
                    }
                    int dst = (o * resultInPerGroup + (iFrom + ii - resultFirstIn)) * taps;
                    for (int t = 0; t < taps; t++) {
                        w[dst + t] += scale * next.weight[src2 + t];
                    }
                }
            }
        }
        return w;
    }

    /**
     * What this convolution (without its own shift) makes of {@code previous}'s shift, the
     * constant-per-channel field {@code b + m} on its input grid: computed position by position,
     * zero padding included.
     */
    private double[][] shiftOf(AffineConv previous) {
        FeatureShape grid = previous.output;
        int pixelsIn = grid.height() * grid.width();
        double[] field = new double[in * pixelsIn];
        for (int c = 0; c < in; c++) {
            for (int p = 0; p < pixelsIn; p++) {
                field[c * pixelsIn + p] = previous.bias[c] + (previous.map == null ? 0 : previous.map[c * pixelsIn + p]);
            }
        }
        int pad = kernel / 2;
        int h = output.height();
        int wOut = output.width();
        int inPerGroup = in / groups;
        double[][] shift = new double[out][h * wOut];
        for (int o = 0; o < out; o++) {
            int cFrom = (o / (out / groups)) * inPerGroup;
            for (int cc = 0; cc < inPerGroup; cc++) {
                int c = cFrom + cc;
                for (int ky = 0; ky < kernel; ky++) {
                    for (int kx = 0; kx < kernel; kx++) {
                        double tap = weight[((o * inPerGroup + cc) * kernel + ky) * kernel + kx];
                        if (tap == 0) {
                            continue;
                        }
                        for (int y = 0; y < h; y++) {
                            int sy = y * stride + ky - pad;
                            if (sy < 0 || sy >= grid.height()) {
                                continue;
                            }
                            for (int x = 0; x < wOut; x++) {
                                int sx = x * stride + kx - pad;
                                if (sx >= 0 && sx < grid.width()) {
                                    shift[o][y * wOut + x] += tap * field[(c * grid.height() + sy) * grid.width() + sx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return shift;
    }

    /** This with {@code shift} added: into the bias where it is the same at every position. */
    private AffineConv withShift(double[][] shift) {
        double[] b = bias.clone();
        boolean uniform = true;
        for (int o = 0; o < out && uniform; o++) {
            for (double v : shift[o]) {
                uniform &= v == shift[o][0];
            }
        }
        double[] m = null;
        if (uniform) {
            for (int o = 0; o < out; o++) {
                b[o] += shift[o][0];
            }
        } else {
            int pixels = shift[0].length;
            m = new double[out * pixels];
            for (int o = 0; o < out; o++) {
                System.arraycopy(shift[o], 0, m, o * pixels, pixels);
            }
        }
        return new AffineConv(in, out, kernel, stride, groups, input, weight, b, m, biased);
    }

    /**
     * Why {@code shortcut(x) + this(x)} cannot be one convolution, or null when it can:
     * {@code shortcut} is null for an identity.
     */
    String whyNotPlus(AffineConv shortcut) {
        if (shortcut == null) {
            return in == out && stride == 1 ? null
                    : "the identity shortcut does not match a " + in + "->" + out + " stride-" + stride + " body";
        }
        if (shortcut.in != in || shortcut.out != out || shortcut.stride != stride) {
            return "the shortcut's shape differs from the body's";
        }
        if (shortcut.kernel > kernel) {
            return "the shortcut's kernel is larger than the body's";
        }
        if (shortcut.map != null) {
            return "the shortcut's shift depends on position";
        }
        return null;
    }

    /** The one convolution equal to {@code this(x) + shortcut(x)}; null shortcut = identity. */
    AffineConv plus(AffineConv shortcut) {
        String why = whyNotPlus(shortcut);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        int g = shortcut == null ? groups : (shortcut.groups == groups ? groups : 1);
        double[] w = g == groups ? weight.clone() : densify(this);
        int inPerGroup = in / g;
        int taps = kernel * kernel;
        int center = kernel / 2;
        double[] b = bias.clone();
        if (shortcut == null) {
            for (int o = 0; o < out; o++) {
                int i = o % inPerGroup;
                w[(o * inPerGroup + i) * taps + center * kernel + center] += 1;
            }
        } else {
            double[] s = shortcut.groups == g ? shortcut.weight : densify(shortcut);
            int offset = center - shortcut.kernel / 2;
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < inPerGroup; i++) {
                    for (int ky = 0; ky < shortcut.kernel; ky++) {
                        for (int kx = 0; kx < shortcut.kernel; kx++) {
                            w[(o * inPerGroup + i) * taps + (ky + offset) * kernel + kx + offset] +=
                                    s[((o * inPerGroup + i) * shortcut.kernel + ky) * shortcut.kernel + kx];
                        }
                    }
                }
                b[o] += shortcut.bias[o];
            }
        }
        return new AffineConv(in, out, kernel, stride, g, input, w, b, map,
                biased || (shortcut != null && shortcut.biased));
    }

    /** The weights of {@code c} as a dense {@code (out, in, k, k)} array. */
    private static double[] densify(AffineConv c) {
        int taps = c.kernel * c.kernel;
        int inPerGroup = c.in / c.groups;
        double[] dense = new double[c.out * c.in * taps];
        for (int o = 0; o < c.out; o++) {
            int iFrom = (o / (c.out / c.groups)) * inPerGroup;
            for (int ii = 0; ii < inPerGroup; ii++) {
                System.arraycopy(c.weight, (o * inPerGroup + ii) * taps, dense, (o * c.in + iFrom + ii) * taps, taps);
            }
        }
        return dense;
    }

    /** The layers that compute this in the network: a convolution, and a bias map if needed. */
    Layer.Conv conv() {
        return new Layer.Conv(in, out, kernel, stride, groups, biased && map == null);
    }

    /** The bias map layer, or null when the shift is one value per channel. */
    Layer.BiasMap biasMap() {
        return map == null ? null : new Layer.BiasMap(out, output.height(), output.width());
    }

    float[] weightValues() {
        return toFloats(weight);
    }

    float[] biasValues() {
        return toFloats(bias);
    }

    /** The whole shift, {@code b + m}, position by position. */
    float[] mapValues() {
        int pixels = output.height() * output.width();
        float[] v = new float[map.length];
        for (int o = 0; o < out; o++) {
            for (int p = 0; p < pixels; p++) {
                v[o * pixels + p] = (float) (bias[o] + map[o * pixels + p]);
            }
        }
        return v;
    }

    private static double[] toDoubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
