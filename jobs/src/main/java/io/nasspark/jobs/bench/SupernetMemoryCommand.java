package io.nasspark.jobs.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.nasspark.data.Datasets;
import io.nasspark.data.ImageSet;
import io.nasspark.search.differentiable.MbConvSupernet;
import io.nasspark.search.differentiable.SupernetStepMemory;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.train.ImageBatches;
import io.nasspark.util.ProcessMemory;
import java.util.stream.IntStream;
import ai.djl.engine.Engine;
import picocli.CommandLine.ParameterException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nas bench-supernet-memory --kind single|multi}: the peak resident memory of one
 * supernet training step, by SurgeNAS's ordered single paths or by a multi-path supernet that
 * runs every operator (the thesis' Table 4.1), on a Fashion-MNIST batch. One step per process:
 * memory freed by libtorch stays with the process, so a second step in the same process would
 * reuse the first one's pages and show nothing. {@code bin/bench-supernet-memory} runs both
 * kinds in alternation and prints the ratio.
 */
@Command(name = "bench-supernet-memory",
        description = "Benchmark: peak memory of one supernet step, ordered single paths (SurgeNAS) or all"
                + " operators at once (a multi-path supernet); bin/bench-supernet-memory runs both and compares.",
        mixinStandardHelpOptions = true)
public final class SupernetMemoryCommand implements Callable<Integer> {

    @Option(names = "--kind", required = true, paramLabel = "single|multi",
            description = "single: |O| ordered single paths, each freed after its backward; multi: every operator"
                    + " of every layer at once, weighted by softmax(α).")
    String kind;

    @Option(names = "--space", defaultValue = "mbconv-mini", description = "An MBConv space (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--input-size", defaultValue = "32", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--batch", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SearchSpace named = SearchSpaces.byName(space);
        if (!(named instanceof MbConvSpace mbconv) || mbconv.layers() == 0) {
            throw new ParameterException(spec.commandLine(), "space " + space + " has no searchable MBConv layers");
        }
        if (!kind.equals("single") && !kind.equals("multi")) {
            throw new ParameterException(spec.commandLine(), "--kind must be single or multi, got " + kind);
        }
        if (!ProcessMemory.available()) {
            throw new ParameterException(spec.commandLine(),
                    "this system has no /proc/self/clear_refs to reset the peak resident size (Linux only)");
        }
        ImageSet train = Datasets.open("fashion-mnist").train();
        ImageBatches data = ImageBatches.of(train, batch, inputSize, ImageBatches.Normalisation.of(train, batch));
        int[] order = IntStream.range(0, batch).toArray();
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
        SupernetStepMemory.Step step;
        try (NDManager manager = NDManager.newBaseManager()) {
            MbConvSupernet supernet = new MbConvSupernet(mbconv, data.classes());
            supernet.initialize(manager, DataType.FLOAT32, data.inputShape());
            NDArray x = data.images(manager, order, 0, batch);
            NDArray y = data.oneHot(manager, order, 0, batch);
            SupernetStepMemory probe = new SupernetStepMemory(supernet);
            step = kind.equals("single") ? probe.orderedSinglePaths(x, y, 1) : probe.allPaths(x, y);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "supernet-memory kind=%s space=%s input_size=%d batch=%d peak_mb=%.1f above_mb=%.1f"
                + " seconds=%.3f%n", kind, space, inputSize, batch, step.peakBytes() / 1e6,
                step.bytesAboveStart() / 1e6, step.seconds());
        out.flush();
        return 0;
    }
}
