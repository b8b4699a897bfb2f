package io.nasspark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The network builder's convolutions against a plain convolution in doubles written here, over
 * a grid of the shapes where libtorch's kernels were seen to go wrong (channels off the vector
 * width, K ≥ 3, strides 1 and 2) and the shapes around them. Forward and both gradients, as
 * training needs them, and forward and the kernel's gradient alone, as a first layer has them. CI runs this class again under restricted instruction sets
 * (ONEDNN_MAX_CPU_ISA), where other shapes go wrong.
 */
class EngineConvolutionsTest {

    private static final int[] CHANNELS = {3, 8, 12, 16, 20, 24, 40, 48, 72};

    @Test
    void everyConvolutionOfTheGridComputesWhatThePlainReferenceDoes() {
        Engine.getEngine("PyTorch");
        SplittableRandom rng = new SplittableRandom(21);
        List<String> wrong = new ArrayList<>();
        Map<EngineConvolutions.Route, Integer> routes = new EnumMap<>(EngineConvolutions.Route.class);
        int shapes = 0;
        double worst = 0;
        for (int k : new int[] {1, 3, 5, 7}) {
            for (int in : CHANNELS) {
                for (int out : IntStream.of(8, 20, 32, in).distinct().toArray()) {
                    for (int stride : new int[] {1, 2}) {
                        for (int groups : out == in ? new int[] {1, in} : new int[] {1}) {
                            for (boolean inputGradient : new boolean[] {true, false}) {
                                Layer.Conv conv = new Layer.Conv(in, out, k, stride, groups, true);
                                double error = largestError(conv, 7 + stride, inputGradient, rng);
                                worst = Math.max(worst, error);
                                shapes++;
                                routes.merge(EngineConvolutions.route(new EngineConvolutions.Config(in, out, k,
                                        stride, groups, inputGradient)), 1, Integer::sum);
                                if (!(error <= EngineConvolutions.TOLERANCE)) {
                                    wrong.add(String.format(Locale.ROOT, "%s%s: %.3g", conv,
                                            inputGradient ? " with input gradient" : "", error));
                                }
                            }
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "engine convolutions (ONEDNN_MAX_CPU_ISA=%s): %d shapes, routes %s,"
                + " largest relative error %.3g%n", System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "default"),
                shapes, routes, worst);
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + shapes + " convolutions wrong: " + wrong);
    }

    @Test
    void theWaysAroundAFaultyKernelAreExactWhereTheKernelIsFaulty() {
        // checked on any CPU, so a machine whose kernels are sound still tests the fallbacks
        for (EngineConvolutions.Config c : List.of(
                new EngineConvolutions.Config(20, 8, 3, 1, 1),
                new EngineConvolutions.Config(12, 12, 5, 1, 1),
                new EngineConvolutions.Config(40, 24, 3, 2, 1),
                new EngineConvolutions.Config(48, 72, 7, 2, 1),
                new EngineConvolutions.Config(3, 16, 3, 1, 1))) {
            for (EngineConvolutions.Route way : EngineConvolutions.Route.values()) {
                if (way != EngineConvolutions.Route.NATIVE) {
                    double error = EngineConvolutions.largestError(c, way);
                    assertTrue(error <= EngineConvolutions.TOLERANCE, way + " " + c + ": " + error);
                }
            }
        }
    }

    @Test
    void aConvolutionDeclaredForColourImagesRunsAndIsCheckedAtTheChannelsItIsGiven() {
        // the spaces declare a 3-channel stem; DJL sizes the kernel from the input, and Fashion-MNIST is grey
        Engine.getEngine("PyTorch");
        SplittableRandom rng = new SplittableRandom(4);
        for (int out : new int[] {20, 40}) {
            Layer.Conv declared = new Layer.Conv(3, out, 3, 1, 1, true);
            Layer.Conv actual = new Layer.Conv(1, out, 3, 1, 1, true);
            for (boolean inputGradient : new boolean[] {true, false}) {
                double error = largestError(declared, actual, 8, inputGradient, rng);
                assertTrue(error <= EngineConvolutions.TOLERANCE, actual + ": " + error);
            }
        }
    }

    private static double largestError(Layer.Conv conv, int size, boolean inputGradient, SplittableRandom rng) {
        return largestError(conv, conv, size, inputGradient, rng);
    }

    /**
     * Output, kernel gradient and input gradient (if asked for) of the block built for
     * {@code declared} against the reference, on the input {@code conv} reads.
     */
    private static double largestError(Layer.Conv declared, Layer.Conv conv, int size, boolean inputGradient,
            SplittableRandom rng) {
        int batch = 2;
        float[] x = values(rng, batch * conv.in() * size * size, 0);
        float[] w = values(rng, conv.out() * (conv.in() / conv.groups()) * conv.kernel() * conv.kernel(), 0.5);
        float[] b = values(rng, conv.out(), 0.5);
        Reference want = Reference.of(conv, x, w, b, batch, size, rng);
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = DjlNetworkBuilder.build(declared);
            block.initialize(m, DataType.FLOAT32, new Shape(batch, conv.in(), size, size));
            NetworkWeights.write(block, List.of(w, b));
            NDArray input = m.create(x, new Shape(batch, conv.in(), size, size));
            input.setRequiresGradient(inputGradient);
            float[] y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = block.forward(new ParameterStore(m, false), new NDList(input), true).singletonOrThrow();
                gc.backward(out.mul(m.create(want.upstream, out.getShape())).sum());
                y = out.toFloatArray();
            }
            float[] gradW = block.getParameters().get(0).getValue().getArray().getGradient().toFloatArray();
            double error = Math.max(EngineConvolutions.relativeError(doubles(y), want.y),
                    EngineConvolutions.relativeError(doubles(gradW), want.gradW));
            return inputGradient
                    ? Math.max(error, EngineConvolutions.relativeError(doubles(input.getGradient().toFloatArray()), want.gradX))
                    : error;
        }
    }

    private record Reference(float[] upstream, double[] y, double[] gradX, double[] gradW) {
        /** A zero-padded convolution with groups, and its gradients for {@code upstream}, in doubles. */
        static Reference of(Layer.Conv c, float[] x, float[] w, float[] b, int batch, int size, SplittableRandom rng) {
            int k = c.kernel();
            int pad = k / 2;
            int outSize = (size + 2 * pad - k) / c.stride() + 1;
            int inPerGroup = c.in() / c.groups();
            int outPerGroup = c.out() / c.groups();
            float[] upstream = values(rng, batch * c.out() * outSize * outSize, 0.5);
            double[] y = new double[upstream.length];
            double[] gradX = new double[x.length];
            double[] gradW = new double[w.length];
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < c.out(); o++) {
                    int firstIn = o / outPerGroup * inPerGroup;
                    for (int oy = 0; oy < outSize; oy++) {
                        for (int ox = 0; ox < outSize; ox++) {
                            int yi = ((n * c.out() + o) * outSize + oy) * outSize + ox;
                            double sum = b[o];
                            for (int i = 0; i < inPerGroup; i++) {
                                for (int ky = 0; ky < k; ky++) {
                                    int sy = oy * c.stride() + ky - pad;
                                    for (int kx = 0; kx < k; kx++) {
                                        int sx = ox * c.stride() + kx - pad;
                                        if (sy < 0 || sy >= size || sx < 0 || sx >= size) {
                                            continue;
                                        }
                                        int wi = ((o * inPerGroup + i) * k + ky) * k + kx;
                                        int xi = ((n * c.in() + firstIn + i) * size + sy) * size + sx;
                                        sum += (double) w[wi] * x[xi];
                                        gradX[xi] += (double) upstream[yi] * w[wi];
                                        gradW[wi] += (double) upstream[yi] * x[xi];
                                    }
                                }
                            }
                            y[yi] = sum;
                        }
                    }
                }
            }
            return new Reference(upstream, y, gradX, gradW);
        }
    }

    private static float[] values(SplittableRandom rng, int n, double shift) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() - shift);
        }
        return v;
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
