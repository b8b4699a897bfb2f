package io.nasspark.jobs.describe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.nasspark.compress.LinearMerge;
import io.nasspark.jobs.cli.NetworkOptions;
import io.nasspark.model.Cost;
import io.nasspark.model.CostModel;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nas describe}: one candidate's ids, encoding and cost; no Spark, no tables. */
@Command(name = "describe",
        description = "Show one candidate: its ids, canonical encoding and analytic cost; with"
                + " --build, build it in DJL and run a forward pass.",
        mixinStandardHelpOptions = true)
public final class DescribeJob implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--arch", required = true, paramLabel = "STRING",
            description = "The readable architecture string, as in the arch column.")
    String arch;

    @Option(names = "--build", description = "Build the DJL model and run one forward pass.")
    boolean build;

    @Option(names = "--transformed",
            description = "Also the deep-to-shallow transform: its depth and cost with every linear layer merged.")
    boolean transformed;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() {
        SearchSpace s = SearchSpaces.byName(network.space());
        Candidate c = s.parse(arch);
        int size = network.inputSize() > 0 ? network.inputSize() : s.defaultInputSize();
        int outputs = network.classes() > 0 ? network.classes() : s.defaultClasses();
        Layer network = s.network(c, size, outputs);
        Cost cost = CostModel.of(network, FeatureShape.image(3, size));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "space            %s v%d%n", s.name(), s.version());
        out.printf(Locale.ROOT, "arch             %s%n", s.format(c));
        out.printf(Locale.ROOT, "id               %s%n", s.id(c));
        out.printf(Locale.ROOT, "canonical_id     %s%n", s.canonicalId(c));
        out.printf(Locale.ROOT, "encoding         %s%n", s.encoding(c));
        out.printf(Locale.ROOT, "input            3x%dx%d, %d classes%n", size, size, outputs);
        out.printf(Locale.ROOT, "flops            %,d (%.2f M)%n", cost.flops(), cost.flops() / 1e6);
        out.printf(Locale.ROOT, "params           %,d (%.3f M)%n", cost.params(), cost.params() / 1e6);
        out.printf(Locale.ROOT, "memory_accesses  %,d%n", cost.memoryAccesses());
        out.printf(Locale.ROOT, "depth            %d convolutions, %d BatchNorms%n",
                Layer.count(network, Layer.Conv.class), Layer.count(network, Layer.BatchNorm.class));
        if (transformed) {
            Layer shallow = LinearMerge.shallow(network, FeatureShape.image(3, size));
            Cost merged = CostModel.of(shallow, FeatureShape.image(3, size));
            out.printf(Locale.ROOT, "transformed      %d convolutions, %.2f M flops, %.3f M params (linear layers merged)%n",
                    Layer.count(shallow, Layer.Conv.class), merged.flops() / 1e6, merged.params() / 1e6);
        }
        if (build) {
            out.println(forwardPass(network, size, cost.params()));
        }
        out.flush();
        return 0;
    }

    private static String forwardPass(Layer network, int size, long analyticParams) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = DjlNetworkBuilder.build(network);
            Shape input = new Shape(1, 3, size, size);
            block.initialize(manager, DataType.FLOAT32, input);
            long params = DjlNetworkBuilder.trainableParameters(block);
            NDArray y = block.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(input)), false).singletonOrThrow();
            return String.format(Locale.ROOT, "djl              output %s, %,d trainable parameters (%s)",
                    Arrays.toString(y.getShape().getShape()), params,
                    params == analyticParams ? "matches the cost model" : "DIFFERS from the cost model");
        }
    }
}
