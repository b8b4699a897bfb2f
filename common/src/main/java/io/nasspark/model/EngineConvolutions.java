package io.nasspark.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each convolution runs on this machine's engine, decided by checking it once per process.
 *
 * <p>libtorch 2.7.1's oneDNN kernels compute some convolutions wrong on CPUs whose cache sizes
 * the hypervisor hides (seen on AMD EPYC virtual machines, where CPUID's cache leaves read zero):
 * dense KxK convolutions whose channel counts are not a multiple of the vector width, forward
 * and input gradient alike. A result that depends on the CPU cannot be trusted by default, so
 * every configuration ({@link Config}) is checked the first time it runs, forward and the
 * gradients training takes, against the engine's double-precision convolution (libtorch's
 * im2col path, which oneDNN does not serve). The first route that passes is kept:
 *
 * <ol>
 *   <li>{@link Route#NATIVE}: the engine's own convolution (every configuration on a sound CPU);
 *   <li>{@link Route#PADDED}: input and output channels zero-padded to a multiple of
 *       {@value #PADDED_CHANNELS}, which is exact and which the faulty kernels compute right;
 *   <li>{@link Route#UNFOLDED}: the K² shifted views of the input stacked and multiplied by the
 *       kernel in one matrix product (BLAS, no convolution kernel at all).
 * </ol>
 *
 * A configuration that passes none of them throws {@link EngineFaultException}, so a job stores
 * a failed row rather than a wrong result.
 */
public final class EngineConvolutions {

    /** Channel multiple of the padded route: the widest vector (16 floats) times two. */
    static final int PADDED_CHANNELS = 32;
    /** Largest error allowed, relative to the largest reference value (at least 1). */
    static final double TOLERANCE = 1e-4;
    private static final int CHECK_BATCH = 2;
    private static final int CHECK_SIZE = 9;

    private static final Logger LOG = LoggerFactory.getLogger(EngineConvolutions.class);
    private static final Map<Config, Route> ROUTES = new ConcurrentHashMap<>();

    private EngineConvolutions() {}

    /** Ways to compute one convolution, cheapest first. */
    public enum Route { NATIVE, PADDED, UNFOLDED }

    /**
     * One convolution's configuration; padding is always {@code kernel / 2}. Whether its input
     * needs a gradient is part of it: the faulty kernels include the input gradient's, and a
     * network's first convolution (or any in inference) need not pay to avoid those.
     */
    public record Config(int in, int out, int kernel, int stride, int groups, boolean inputGradient) {
        /** With the input gradient, as in training. */
        public Config(int in, int out, int kernel, int stride, int groups) {
            this(in, out, kernel, stride, groups, true);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%dx%d %d->%d stride %d%s%s", kernel, kernel, in, out, stride,
                    groups == 1 ? "" : groups == in ? " depthwise" : " groups " + groups,
                    inputGradient ? " with input gradient" : "");
        }
    }

    /** The engine got a convolution wrong and no way around it was right either. */
    public static final class EngineFaultException extends IllegalStateException {
        EngineFaultException(String message) {
            super(message);
        }
    }

    /**
     * Tail shapes whose native kernels went wrong on every faulty setting seen (AVX-512 and AVX2
     * alike): the probe of {@link #kernelsSound}.
     */
    private static final List<Config> PROBES = List.of(new Config(20, 8, 3, 1, 1), new Config(12, 12, 5, 1, 1),
            new Config(40, 24, 3, 2, 1));

    /**
     * Whether the engine's convolution kernels pass the probe shapes here. Where they do not,
     * its channels-last kernels are not to be trusted either: on the AMD EPYC VMs a strided 1x1
     * convolution over channels-last activations corrupts the heap in its backward pass and
     * kills the process, which no check can catch after the fact. Callers then keep activations
     * in the NCHW layout these checks cover ({@link io.nasspark.train.ImageBatches}).
     */
    public static boolean kernelsSound() {
        return Probe.SOUND;
    }

    /** The probe, run once per process on first use (the JVM's lazy class initialisation). */
    private static final class Probe {
        static final boolean SOUND = PROBES.stream().allMatch(c -> largestError(c, Route.NATIVE) <= TOLERANCE);

        static {
            if (!SOUND) {
                LOG.warn("libtorch's convolution kernels are faulty on this CPU (docs/cpu-correctness.md):"
                        + " batches stay in NCHW layout, and faulty shapes are routed around");
            }
        }
    }

    /** The route {@code config} takes here: checked on first use, then remembered. */
    public static Route route(Config config) {
        Route known = ROUTES.get(config);
        return known != null ? known : ROUTES.computeIfAbsent(config, EngineConvolutions::decide);
    }

    private static Route decide(Config config) {
        double nativeError = largestError(config, Route.NATIVE);
        if (nativeError <= TOLERANCE) {
            return Route.NATIVE;
        }
        for (Route way : List.of(Route.PADDED, Route.UNFOLDED)) {
            if (applies(way, config) && largestError(config, way) <= TOLERANCE) {
                LOG.warn("libtorch computes the {} convolution wrong on this CPU (relative error {}); it runs {} instead",
                        config, String.format(Locale.ROOT, "%.3g", nativeError), way.name().toLowerCase(Locale.ROOT));
                return way;
            }
        }
        throw new EngineFaultException(String.format(Locale.ROOT,
                "libtorch computes the %s convolution wrong on this CPU (relative error %.3g) and no way around"
                        + " it was right either; try ONEDNN_MAX_CPU_ISA=SSE41", config, nativeError));
    }

    /** Padding and unfolding are written for dense convolutions; the faulty kernels are dense. */
    static boolean applies(Route way, Config config) {
        return way == Route.NATIVE || config.groups() == 1;
    }

    /** {@code conv2d(x, weight) + bias} by {@code way} (which must apply); bias may be null. */
    public static NDArray convolve(Route way, Config c, NDArray x, NDArray weight, NDArray bias) {
        int pad = c.kernel() / 2;
        Shape stride = new Shape(c.stride(), c.stride());
        return switch (way) {
            case NATIVE -> Conv2d.conv2d(x, weight, bias, stride, new Shape(pad, pad), new Shape(1, 1), c.groups())
                    .singletonOrThrow();
            case PADDED -> withBias(padded(c, x, weight, stride, pad), bias);
            case UNFOLDED -> withBias(unfolded(c, x, weight, pad), bias);
        };
    }

    private static NDArray padded(Config c, NDArray x, NDArray weight, Shape stride, int pad) {
        long in = roundUp(c.in());
        long out = roundUp(c.out());
        long k = c.kernel();
        NDManager m = x.getManager();
        Shape xs = x.getShape();
        NDArray xp = in == c.in() ? x : x.concat(m.zeros(new Shape(xs.get(0), in - c.in(), xs.get(2), xs.get(3)),
                x.getDataType(), x.getDevice()), 1);
        NDArray wp = in == c.in() ? weight : weight.concat(m.zeros(new Shape(c.out(), in - c.in(), k, k),
                weight.getDataType(), weight.getDevice()), 1);
        if (out != c.out()) {
            wp = wp.concat(m.zeros(new Shape(out - c.out(), in, k, k), weight.getDataType(), weight.getDevice()), 0);
        }
        NDArray y = Conv2d.conv2d(xp, wp, null, stride, new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
        return out == c.out() ? y : y.get(new NDIndex(":, 0:" + c.out()));
    }

    private static NDArray unfolded(Config c, NDArray x, NDArray weight, int pad) {
        Shape xs = x.getShape();
        int k = c.kernel();
        int s = c.stride();
        long outH = (xs.get(2) + 2L * pad - k) / s + 1;
        long outW = (xs.get(3) + 2L * pad - k) / s + 1;
        NDArray xp = pad == 0 ? x : x.pad(new Shape(pad, pad, pad, pad), 0);
        List<NDArray> taps = new ArrayList<>(k * k);
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                taps.add(xp.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}",
                        ky, ky + (outH - 1) * s + 1, s, kx, kx + (outW - 1) * s + 1, s)));
            }
        }
        // (N, C, K², H', W') -> (N, C·K², H'·W'), the kernel's own order of (channel, tap)
        NDArray columns = NDArrays.stack(new NDList(taps), 2).reshape(xs.get(0), (long) c.in() * k * k, outH * outW);
        return weight.reshape(c.out(), (long) c.in() * k * k).matMul(columns).reshape(xs.get(0), c.out(), outH, outW);
    }

    private static NDArray withBias(NDArray y, NDArray bias) {
        return bias == null ? y : y.add(bias.reshape(1, bias.size(), 1, 1));
    }

    private static long roundUp(int channels) {
        return (channels + PADDED_CHANNELS - 1) / PADDED_CHANNELS * (long) PADDED_CHANNELS;
    }

    /**
     * The largest relative error of {@code way} on {@code config}, over the output and the
     * gradients of the kernel and (when the configuration needs it) the input, against the
     * engine's convolution in doubles.
     */
    public static double largestError(Config c, Route way) {
        Engine.getEngine("PyTorch");
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = NDManager.newBaseManager()) {
            SplittableRandom rng = new SplittableRandom(c.hashCode());
            NDArray x = uniform(m, rng, CHECK_BATCH, c.in(), CHECK_SIZE, CHECK_SIZE);
            NDArray w = uniform(m, rng, c.out(), c.in() / c.groups(), c.kernel(), c.kernel()).sub(0.5);
            NDArray b = uniform(m, rng, c.out());
            long upstreamSeed = rng.nextLong();
            double[][] want = outputAndGradients(Route.NATIVE, c, x, w, b, DataType.FLOAT64,
                    new SplittableRandom(upstreamSeed));
            double[][] got = outputAndGradients(way, c, x, w, b, DataType.FLOAT32, new SplittableRandom(upstreamSeed));
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, relativeError(got[i], want[i]));
            }
            return worst;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static double[][] outputAndGradients(Route way, Config c, NDArray x0, NDArray w0, NDArray b0,
            DataType type, SplittableRandom upstreamRng) {
        NDArray x = x0.toType(type, true);
        NDArray w = w0.toType(type, true);
        NDArray b = b0.toType(type, true);
        x.setRequiresGradient(c.inputGradient());
        w.setRequiresGradient(true);
        NDArray y = convolve(way, c, x, w, b);
        NDArray upstream = uniform(x.getManager(), upstreamRng, y.getShape().getShape()).sub(0.5).toType(type, false);
        PtNDArray loss = (PtNDArray) y.mul(upstream).sum();
        JniUtils.backward(loss, (PtNDArray) loss.onesLike(), false, false);
        double[] output = y.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] kernelGradient = w.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        return c.inputGradient()
                ? new double[][] {output, kernelGradient, x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()}
                : new double[][] {output, kernelGradient};
    }

    private static NDArray uniform(NDManager m, SplittableRandom rng, long... shape) {
        Shape s = new Shape(shape);
        double[] values = new double[Math.toIntExact(s.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextDouble();
        }
        return m.create(values, s);
    }

    static double relativeError(double[] got, double[] want) {
        if (got.length != want.length) {
            return Double.POSITIVE_INFINITY;
        }
        double error = 0;
        double largest = 0;
        for (int i = 0; i < got.length; i++) {
            error = Math.max(error, Math.abs(got[i] - want[i])); // a NaN stays NaN, and no bound passes it
            largest = Math.max(largest, Math.abs(want[i]));
        }
        return error / Math.max(1, largest);
    }
}
