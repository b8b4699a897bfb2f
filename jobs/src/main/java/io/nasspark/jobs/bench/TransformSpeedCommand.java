package io.nasspark.jobs.bench;

import io.nasspark.compress.Equivalence;
import io.nasspark.compress.LinearMerge;
import io.nasspark.latency.LatencyMeter;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nas bench-transform}: Double-Win NAS's point, measured: each network deep (as it
 * trains) and shallow (its linear layers merged, as it runs), timed round-robin side by side in
 * one process, with their depths and FLOPs, the merge's relative output error (trained-like
 * values), and the speed-up per network and over all of them. The first round is dropped: the
 * first merged network a process times runs about three times slower than later ones
 * (docs/double-win.md).
 */
@Command(name = "bench-transform",
        description = "Benchmark: each network deep and after its deep-to-shallow transform, timed round-robin side"
                + " by side (p10 per round, median over the rounds after the first), with convolutions, FLOPs and the"
                + " speed-up deep/shallow (docs/double-win.md).",
        mixinStandardHelpOptions = true)
public final class TransformSpeedCommand implements Callable<Integer> {

    @Option(names = "--space", required = true, paramLabel = "SPACE", description = "The networks' space, such as"
            + " mbconv-mini-hybrid.")
    String space;

    @Option(names = "--archs", required = true, split = ",", paramLabel = "ARCH[,ARCH…]",
            description = "The networks, as in the arch column.")
    List<String> archs;

    @Option(names = "--input-size", defaultValue = "64", paramLabel = "PX", description = "Input resolution"
            + " (default: ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N",
            description = "Rounds of 10 warm-up and 50 timed passes each; the first is dropped (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (rounds < 2) {
            throw new IllegalArgumentException("--rounds must be at least 2 (the first is dropped), got " + rounds);
        }
        SearchSpace s = SearchSpaces.byName(space);
        FeatureShape input = FeatureShape.image(3, inputSize);
        LatencyProtocol protocol = new LatencyProtocol(10, 50, 1, 1, true);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s at %d px, one thread, p10 of 50 passes per round, median of rounds 2..%d, ms%n",
                s.name(), inputSize, rounds);
        out.println("| network | convolutions deep → shallow | MFLOPs deep → shallow | relative error | deep ms"
                + " | shallow ms | speed-up |");
        out.println("|---|---|---|---|---|---|---|");
        DescriptiveStatistics speedups = new DescriptiveStatistics();
        for (String arch : archs) {
            Layer deep = s.network(s.parse(arch), inputSize, s.defaultClasses());
            List<float[]> values = Equivalence.trainedLikeValues(deep, input, new SplittableRandom(arch.hashCode()));
            LinearMerge.Result merged = LinearMerge.merge(deep, values, input);
            Layer shallow = merged.network();
            double error = Equivalence.compare(deep, values, shallow, merged.values(), input, 2,
                    new SplittableRandom(1)).relative();
            double[][] p10 = new double[2][rounds - 1];
            for (int r = 0; r < rounds; r++) {
                List<LatencyMeter.Measurement> m = LatencyMeter.measureRoundRobin(List.of(deep, shallow),
                        List.of(input, input), protocol);
                if (r > 0) {
                    p10[0][r - 1] = m.get(0).stats().p10();
                    p10[1][r - 1] = m.get(1).stats().p10();
                }
            }
            double deepMs = new DescriptiveStatistics(p10[0]).getPercentile(50);
            double shallowMs = new DescriptiveStatistics(p10[1]).getPercentile(50);
            speedups.addValue(deepMs / shallowMs);
            out.printf(Locale.ROOT, "| %s | %d → %d | %.1f → %.1f | %.1e | %.3f | %.3f | %.2fx |%n", arch,
                    Layer.count(deep, Layer.Conv.class), Layer.count(shallow, Layer.Conv.class),
                    CostModel.of(deep, input).flops() / 1e6, CostModel.of(shallow, input).flops() / 1e6, error,
                    deepMs, shallowMs, deepMs / shallowMs);
            out.flush();
        }
        out.printf(Locale.ROOT, "speed-up deep/shallow over %d networks: median %.2fx, min %.2fx, max %.2fx%n",
                speedups.getN(), speedups.getPercentile(50), speedups.getMin(), speedups.getMax());
        out.flush();
        return 0;
    }
}
