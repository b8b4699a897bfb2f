package io.nasspark.jobs.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.nasspark.model.EngineConvolutions;
import io.nasspark.model.EngineConvolutions.Config;
import io.nasspark.model.EngineConvolutions.Route;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nas bench-conv-routes}: what each way of computing a convolution costs here, side by
 * side in one run: the engine's own kernel, the channel-padded one and the unfolded matrix
 * product, forward and forward with both gradients, with each way's error and the route the
 * check picks on this CPU.
 */
@Command(name = "bench-conv-routes",
        description = "Benchmark: milliseconds of the engine's convolution against its channel-padded and unfolded"
                + " replacements (docs/cpu-correctness.md), forward and training, on shapes where faulty kernels"
                + " were seen, with each way's relative error and the route this CPU gets.",
        mixinStandardHelpOptions = true)
public final class ConvolutionRoutesCommand implements Callable<Integer> {

    /** batch, input channels, output channels, kernel, size, stride. */
    private static final List<int[]> SHAPES = List.of(
            new int[] {32, 24, 24, 3, 16, 1}, new int[] {32, 40, 40, 3, 16, 2}, new int[] {1, 12, 12, 5, 9, 1},
            new int[] {32, 48, 96, 3, 16, 2}, new int[] {8, 20, 40, 5, 32, 1}, new int[] {32, 32, 64, 3, 16, 1});

    @Option(names = "--rounds", defaultValue = "15", description = "Timed rounds; medians count (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", defaultValue = "1", description = "Intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "ONEDNN_MAX_CPU_ISA=%s, %d thread(s), medians of %d rounds, ms%n",
                System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "default"), threads, rounds);
        out.println("| shape (batch, conv, size) | route here | check ms | native | padded | unfolded | padded/native"
                + " | unfolded/native | native+bwd | padded+bwd | unfolded+bwd | padded/native +bwd"
                + " | unfolded/native +bwd | error native | error padded | error unfolded |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int[] s : SHAPES) {
            Config c = new Config(s[1], s[2], s[3], s[5], 1);
            long t0 = System.nanoTime();
            Route here = EngineConvolutions.route(c);
            double checkMs = (System.nanoTime() - t0) / 1e6;
            double[] forward = new double[3];
            double[] training = new double[3];
            for (Route way : Route.values()) {
                forward[way.ordinal()] = medianMillis(c, s[0], s[4], way, false);
                training[way.ordinal()] = medianMillis(c, s[0], s[4], way, true);
            }
            out.printf(Locale.ROOT, "| %d, %s, %d px | %s | %.1f | %.3f | %.3f | %.3f | %.2f | %.2f | %.3f | %.3f | %.3f"
                            + " | %.2f | %.2f | %.2g | %.2g | %.2g |%n",
                    s[0], c, s[4], here.name().toLowerCase(Locale.ROOT), checkMs, forward[0], forward[1], forward[2],
                    forward[1] / forward[0], forward[2] / forward[0], training[0], training[1], training[2],
                    training[1] / training[0], training[2] / training[0],
                    EngineConvolutions.largestError(c, Route.NATIVE), EngineConvolutions.largestError(c, Route.PADDED),
                    EngineConvolutions.largestError(c, Route.UNFOLDED));
        }
        out.flush();
        return 0;
    }

    /** Rounds interleave nothing else: each way's rounds run back to back after two warm-ups. */
    private double medianMillis(Config c, int batch, int size, Route way, boolean withGradients) {
        double[] millis = new double[rounds];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(withGradients);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int r = -2; r < rounds; r++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.randomUniform(0, 1, new Shape(batch, c.in(), size, size));
                    NDArray w = step.randomNormal(new Shape(c.out(), c.in(), c.kernel(), c.kernel()));
                    x.setRequiresGradient(withGradients);
                    w.setRequiresGradient(withGradients);
                    long t0 = System.nanoTime();
                    NDArray y = EngineConvolutions.convolve(way, c, x, w, null);
                    if (withGradients) {
                        PtNDArray loss = (PtNDArray) y.sum();
                        JniUtils.backward(loss, (PtNDArray) loss.onesLike(), false, false);
                        x.getGradient().toFloatArray();
                    } else {
                        y.toFloatArray();
                    }
                    if (r >= 0) {
                        millis[r] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        Arrays.sort(millis);
        return millis[rounds / 2];
    }
}
