package io.nasspark.latency;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Times forward passes of a network in DJL under a {@link LatencyProtocol}, with gradient
 * tracking off (libtorch's grad mode is per thread and on by default in threads that did not
 * load the engine, such as Spark's task threads).
 *
 * <p>The harness has a cost of its own: DJL spends about 10 µs per operator call against
 * PyTorch's 4 µs. {@link #harness} measures it once per process and protocol, from an identity
 * network (the fixed cost of a call) and a chain of trivial operators (the cost per operator),
 * and {@link Measurement#harnessMillis} applies it to a network's operator count.
 */
public final class LatencyMeter {

    /** Trivial operators in the chain that calibrates the per-operator cost. */
    static final int CALIBRATION_OPS = 64;

    private static final ConcurrentMap<LatencyProtocol, HarnessCost> HARNESS = new ConcurrentHashMap<>();

    private LatencyMeter() {}

    /**
     * The harness's cost in this process: fixed per forward call, and per operator call.
     *
     * @param fixedMillis median of a forward pass through an identity network
     * @param perOpMillis extra median per trivial operator
     */
    public record HarnessCost(double fixedMillis, double perOpMillis) {
        /** Estimated harness time in a forward pass that makes {@code opCalls} operator calls. */
        public double millis(int opCalls) {
            return fixedMillis + perOpMillis * opCalls;
        }
    }

    /**
     * One network's latency.
     *
     * @param stats summary of the timed repeats
     * @param opCalls operator calls per forward pass
     * @param harnessMillis estimated share of the harness in the median, ms
     */
    public record Measurement(LatencyStats stats, int opCalls, double harnessMillis) {
        /** {@code harnessMillis / median}. */
        public double harnessShare() {
            return stats.median() > 0 ? harnessMillis / stats.median() : 0;
        }
    }

    /**
     * Measures {@code network} on an input of {@code input} per image. The engine runs with the
     * protocol's intra-op threads. Weights are drawn from the engine's generator: latency does
     * not depend on their values.
     */
    public static Measurement measure(Layer network, FeatureShape input, LatencyProtocol protocol) {
        HarnessCost harness = harness(protocol);
        int opCalls = DjlNetworkBuilder.operatorCalls(network);
        LatencyStats stats = LatencyStats.of(time(network, input, protocol));
        return new Measurement(stats, opCalls, harness.millis(opCalls));
    }

    /** The harness cost under {@code protocol}, measured on first use in this process. */
    public static HarnessCost harness(LatencyProtocol protocol) {
        return HARNESS.computeIfAbsent(protocol, LatencyMeter::calibrate);
    }

    private static HarnessCost calibrate(LatencyProtocol protocol) {
        FeatureShape tiny = new FeatureShape(1, 1, 1);
        // More repeats than the protocol asks: these two medians are subtracted.
        LatencyProtocol steady = new LatencyProtocol(Math.max(protocol.warmup(), 20),
                Math.max(protocol.repeats(), 200), protocol.batch(), protocol.threads(), protocol.exclusive());
        double fixed = LatencyStats.of(time(new Layer.Identity(), tiny, steady)).median();
        Layer chain = new Layer.Sequence(Collections.nCopies(CALIBRATION_OPS, Layer.Activation.RELU));
        double chained = LatencyStats.of(time(chain, tiny, steady)).median();
        return new HarnessCost(fixed, Math.max(0, chained - fixed) / CALIBRATION_OPS);
    }

    /** Timed repeats in milliseconds. */
    static double[] time(Layer network, FeatureShape input, LatencyProtocol protocol) {
        Engine.getEngine("PyTorch"); // loads the native library the calls below need
        JniUtils.setNumThreads(protocol.threads());
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = DjlNetworkBuilder.build(network);
            Shape shape = new Shape(protocol.batch(), input.channels(), input.height(), input.width());
            block.initialize(manager, DataType.FLOAT32, shape);
            ParameterStore parameters = new ParameterStore(manager, false);
            NDArray x = manager.randomUniform(0, 1, shape);
            for (int i = 0; i < protocol.warmup(); i++) {
                forward(block, parameters, x, manager);
            }
            double[] millis = new double[protocol.repeats()];
            for (int i = 0; i < millis.length; i++) {
                millis[i] = forward(block, parameters, x, manager) / 1e6;
            }
            return millis;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** One forward pass in nanoseconds; its intermediate tensors are freed afterwards. */
    private static long forward(Block block, ParameterStore parameters, NDArray x, NDManager manager) {
        try (NDManager pass = manager.newSubManager()) {
            x.tempAttach(pass);
            long start = System.nanoTime();
            block.forward(parameters, new NDList(x), false);
            return System.nanoTime() - start;
        }
    }
}
