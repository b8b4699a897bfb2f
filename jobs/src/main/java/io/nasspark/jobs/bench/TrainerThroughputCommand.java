package io.nasspark.jobs.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.nasspark.data.Datasets;
import io.nasspark.data.ImageSet;
import io.nasspark.model.CostModel;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.ImageTrainer;
import io.nasspark.train.TrainingRecipe;
import java.nio.file.Path;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvOp;
import io.nasspark.space.mbconv.MbConvSpace;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nas bench-trainer}: training throughput of this project's trainer on a fixed small CNN,
 * or an {@code mbconv-small} network (depthwise convolutions), over Fashion-MNIST, for comparison
 * with the same network in PyTorch from Python
 * ({@code bin/bench_trainer.py}, run side by side by {@code bin/bench-trainer}).
 */
@Command(name = "bench-trainer",
        description = "Benchmark: images per second of the DJL trainer on a fixed 3-conv CNN over Fashion-MNIST"
                + " (the network bin/bench_trainer.py builds in PyTorch).",
        mixinStandardHelpOptions = true)
public final class TrainerThroughputCommand implements Callable<Integer> {

    @Option(names = "--threads", defaultValue = "1", description = "Intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--images", defaultValue = "3200",
            description = "Images per timed epoch (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed epochs; the best counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--network", defaultValue = "cnn", paramLabel = "cnn|mbconv-small",
            description = "cnn: the fixed 3-conv CNN; mbconv-small: that space's network with MBK3E6 (depthwise 3x3,"
                    + " expansion 6) in every searchable layer, at 28 px (default: ${DEFAULT-VALUE}).")
    String networkName;

    @Option(names = "--print-network",
            description = "Print the network as JSON (its layers and multiply-adds per image, what"
                    + " bin/bench_trainer.py builds in PyTorch) and exit.")
    boolean printNetwork;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "After the timed epochs, profile one more with libtorch's profiler and write its"
                    + " Chrome trace (per-operator times) to FILE.")
    Path profile;

    @Spec
    CommandSpec spec;

    private Layer network() {
        return switch (networkName) {
            case "cnn" -> cnn();
            case "mbconv-small" -> {
                MbConvSpace space = (MbConvSpace) SearchSpaces.byName("mbconv-small");
                MbConvOp[] ops = new MbConvOp[space.layers()];
                Arrays.fill(ops, MbConvOp.MBK3E6);
                yield space.network(space.withOps(ops), 28, 10);
            }
            default -> throw new ParameterException(spec.commandLine(),
                    "--network must be cnn or mbconv-small, got " + networkName);
        };
    }

    private static Layer firstConv(Layer layer) {
        return layer instanceof Layer.Sequence s ? firstConv(s.layers().get(0)) : layer;
    }

    /** conv3x3(1→32)-BN-ReLU, conv3x3(32→64, /2)-BN-ReLU, conv3x3(64→128, /2)-BN-ReLU, global pool, linear(128→10). */
    static Layer cnn() {
        return new Layer.Sequence(List.of(
                new Layer.Conv(1, 32, 3, 1, 1), new Layer.BatchNorm(32), relu(),
                new Layer.Conv(32, 64, 3, 2, 1), new Layer.BatchNorm(64), relu(),
                new Layer.Conv(64, 128, 3, 2, 1), new Layer.BatchNorm(128), relu(),
                new Layer.GlobalAvgPool(), new Layer.Linear(128, 10)));
    }

    private static Layer relu() {
        return new Layer.Activation(Layer.Activation.Kind.RELU);
    }

    /**
     * Best of 5 timings of four 1024x1024 float32 products in libtorch (its bundled MKL) on this
     * task's threads: the machine's matmul peak the FLOP rate is set against.
     */
    private double matmulPeakGflops() {
        JniUtils.setNumThreads(threads);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray m = manager.randomNormal(new Shape(1024, 1024));
            m.matMul(m).close();
            double best = 0;
            for (int round = 0; round < 5; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < 4; i++) {
                    m.matMul(m).close();
                }
                best = Math.max(best, 4 * 2.0 * Math.pow(1024, 3) / ((System.nanoTime() - start) / 1e9) / 1e9);
            }
            return best;
        }
    }

    @Override
    public Integer call() {
        Layer network = network();
        // the space's stem is declared for RGB and reads the grey images as they come: its
        // multiply-adds are counted for three channels, a few thousandths of the network's
        int declared = ((Layer.Conv) firstConv(network)).in();
        long macs = CostModel.of(network, FeatureShape.image(declared, 28)).flops();
        if (printNetwork) {
            spec.commandLine().getOut().println("{\"macs\": " + macs + ", \"layer\": " + LayerJson.of(network) + "}");
            spec.commandLine().getOut().flush();
            return 0;
        }
        ImageSet train = Datasets.open("fashion-mnist").train();
        ImageBatches data = ImageBatches.of(train, images, 28, ImageBatches.Normalisation.of(train, images));
        TrainingRecipe recipe = new TrainingRecipe(repeats + 1, batch, images, "sgd", 0.05f, 0.9f, 0f, "constant",
                false, 0);
        double best = 0;
        try (ImageTrainer trainer = new ImageTrainer(DjlNetworkBuilder.build(network), data, recipe, 0, threads)) {
            trainer.epoch(data); // warm-up: first calls allocate and pick kernels
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                trainer.epoch(data);
                best = Math.max(best, recipe.batchesPerEpoch(images) * batch / ((System.nanoTime() - start) / 1e9));
            }
            if (profile != null) {
                JniUtils.startProfile(false, true, false);
                trainer.epoch(data);
                JniUtils.stopProfile(profile.toAbsolutePath().toString());
            }
        }
        double peak = matmulPeakGflops();
        // Training is about three forward passes: forward, input gradients, weight gradients.
        double gflops = best * macs * 2 * 3 / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT,
                "djl network=%s threads=%d batch=%d images_per_s=%.1f gflops=%.2f matmul_peak_gflops=%.1f%n",
                networkName, threads, batch, best, gflops, peak);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
