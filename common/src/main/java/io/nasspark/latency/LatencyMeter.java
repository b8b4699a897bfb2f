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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

        /** This measurement with its timings divided by {@code slowdown} (the harness estimate stays). */
        public Measurement atReferenceSpeed(double slowdown) {
            return new Measurement(stats.atReferenceSpeed(slowdown), opCalls, harnessMillis);
        }
    }

    /**
     * Measures {@code network} on an input of {@code input} per image. The engine runs with the
     * protocol's intra-op threads. Weights are drawn from the engine's generator: latency does
     * not depend on their values.
     */
    public static Measurement measure(Layer network, FeatureShape input, LatencyProtocol protocol) {
        return measureRoundRobin(List.of(network), List.of(input), protocol).get(0);
    }

    /**
     * Measures several networks round-robin: each warm-up pass and each timed repeat runs every
     * network once, in turn. On a shared machine the speed drifts over seconds (other tenants,
     * clock changes); timed back to back, a network takes whatever spell it falls in, while
     * round-robin every network sees the same spells, so their ratios hold still.
     *
     * @param inputs the input of each network, in the same order
     * @return the measurement of each network, in the same order
     */
    public static List<Measurement> measureRoundRobin(List<Layer> networks, List<FeatureShape> inputs,
            LatencyProtocol protocol) {
        if (networks.size() != inputs.size()) {
            throw new IllegalArgumentException(networks.size() + " networks but " + inputs.size() + " inputs");
        }
        HarnessCost harness = harness(protocol);
        double[][] millis = time(networks, inputs, protocol);
        List<Measurement> measurements = new ArrayList<>(networks.size());
        for (int i = 0; i < networks.size(); i++) {
            int opCalls = DjlNetworkBuilder.operatorCalls(networks.get(i));
            measurements.add(new Measurement(LatencyStats.of(millis[i]), opCalls, harness.millis(opCalls)));
        }
        return measurements;
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
        Layer chain = new Layer.Sequence(Collections.nCopies(CALIBRATION_OPS, Layer.Activation.RELU));
        double[][] millis = time(List.of(new Layer.Identity(), chain), List.of(tiny, tiny), steady);
        double fixed = LatencyStats.of(millis[0]).median();
        double chained = LatencyStats.of(millis[1]).median();
        return new HarnessCost(fixed, Math.max(0, chained - fixed) / CALIBRATION_OPS);
    }

    /** Timed repeats in milliseconds, one row per network, taken round-robin. */
    static double[][] time(List<Layer> networks, List<FeatureShape> inputs, LatencyProtocol protocol) {
        return time(networks, inputs, protocol, new Shape[networks.size()]);
    }

    /** The same, keeping the shape of each network's last output in {@code outputShapes}. */
    static double[][] time(List<Layer> networks, List<FeatureShape> inputs, LatencyProtocol protocol,
            Shape[] outputShapes) {
        Engine.getEngine("PyTorch"); // loads the native library the calls below need
        JniUtils.setNumThreads(protocol.threads());
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager manager = NDManager.newBaseManager()) {
            int n = networks.size();
            Block[] blocks = new Block[n];
            NDArray[] xs = new NDArray[n];
            for (int i = 0; i < n; i++) {
                FeatureShape input = inputs.get(i);
                Shape shape = new Shape(protocol.batch(), input.channels(), input.height(), input.width());
                blocks[i] = DjlNetworkBuilder.build(networks.get(i));
                blocks[i].initialize(manager, DataType.FLOAT32, shape);
                xs[i] = manager.randomUniform(0, 1, shape);
            }
            ParameterStore parameters = new ParameterStore(manager, false);
            for (int pass = 0; pass < protocol.warmup(); pass++) {
                for (int i = 0; i < n; i++) {
                    forward(blocks[i], parameters, xs[i], manager, outputShapes, i);
                }
            }
            double[][] millis = new double[n][protocol.repeats()];
            for (int repeat = 0; repeat < protocol.repeats(); repeat++) {
                for (int i = 0; i < n; i++) {
                    millis[i][repeat] = forward(blocks[i], parameters, xs[i], manager, outputShapes, i) / 1e6;
                }
            }
            return millis;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** One forward pass in nanoseconds; its intermediate tensors are freed afterwards. */
    private static long forward(Block block, ParameterStore parameters, NDArray x, NDManager manager,
            Shape[] outputShapes, int index) {
        try (NDManager pass = manager.newSubManager()) {
            x.tempAttach(pass);
            long start = System.nanoTime();
            NDList y = block.forward(parameters, new NDList(x), false);
            long elapsed = System.nanoTime() - start;
            outputShapes[index] = y.singletonOrThrow().getShape();
            return elapsed;
        }
    }
}
