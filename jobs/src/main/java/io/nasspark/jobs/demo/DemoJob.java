package io.nasspark.jobs.demo;

import io.nasspark.jobs.NasCli;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code nas demo}: the built-in demo pipeline ({@code pipelines/demo.yaml}), every stage of a
 * hardware-aware search on this machine and Fashion-MNIST. The options are the pipeline job's.
 */
@Command(name = "demo",
        description = "Run the built-in demo pipeline: sample NAS-Bench-201 cells, measure them, fit a latency"
                + " predictor, score by BTE, search under a predicted-latency budget, measure and train the chosen"
                + " networks, a Pareto front and the HTML report (about 3 minutes on 2 cores). Takes the options"
                + " of 'nas pipeline' (--tables, --from, --only, --dry-run, --master, --conf).",
        mixinStandardHelpOptions = true)
public final class DemoJob implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> pipelineOptions = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>(List.of("pipeline", "--file", "demo"));
        args.addAll(pipelineOptions);
        return NasCli.commandLine().setOut(spec.commandLine().getOut()).setErr(spec.commandLine().getErr())
                .execute(args.toArray(String[]::new));
    }
}
