package io.nasspark.jobs.pipeline;

import io.nasspark.jobs.pipeline.PipelineFile.Option;
import io.nasspark.jobs.pipeline.PipelineFile.Stage;
import io.nasspark.jobs.search.SupernetSearchJob;
import io.nasspark.util.Hashing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a stage's job leaves for later stages to reference, and the options the pipeline fills
 * in so those outputs have stable names: a search's id and an analysis's name follow from the
 * pipeline and the stage, so a re-run finds them again.
 */
final class StageOutputs {

    /** Every job's run id. */
    static final String RUN_ID = "run_id";
    /** The ids of a search's last population, as a file of ids (evolve); supernet-search's {@code derived} is one too. */
    static final String CHOSEN = "chosen";

    /** Each job's main output: what {@code ${stage}} stands for. */
    private static final Map<String, String> MAIN = Map.of(
            "train-predictor", "id",
            "evolve", "search_id",
            "pareto", "analysis",
            "report", "out");

    private StageOutputs() {}

    /** The output {@code ${stage}} stands for. */
    static String main(String job) {
        return MAIN.getOrDefault(job, RUN_ID);
    }

    /** The outputs a stage of {@code job} can be referenced by. */
    static List<String> named(String job) {
        List<String> names = new ArrayList<>(List.of(RUN_ID));
        if (MAIN.containsKey(job)) {
            names.add(MAIN.get(job));
        }
        if (job.equals("evolve")) {
            names.add(CHOSEN);
        }
        if (job.equals("supernet-search")) {
            names.add(SupernetSearchJob.DERIVED);
        }
        return names;
    }

    /**
     * The stage with the options the pipeline fills in when the file leaves them out: pareto's
     * {@code --name} is {@code PIPELINE-STAGE}; report writes the pipeline's page into
     * {@code reports/PIPELINE}. Evolve's search id comes from {@link #withSearchId}.
     */
    static Stage withDefaults(Stage stage, String pipeline) {
        List<Option> options = new ArrayList<>(stage.options());
        String name = pipeline + "-" + stage.name();
        switch (stage.job()) {
            case "pareto" -> addUnlessSet(stage, options, "name", name);
            case "report" -> {
                addUnlessSet(stage, options, "pipeline", pipeline);
                addUnlessSet(stage, options, "out", "reports/" + pipeline);
            }
            default -> { }
        }
        return new Stage(stage.name(), stage.job(), List.copyOf(options), stage.after(), stage.line(), stage.jobLine());
    }

    /**
     * An evolve stage's command line with {@code --search-id PIPELINE-STAGE-HASH} unless the
     * file names the search: the hash is of the rest of the command line, so a re-run resumes
     * the same search and a changed one (other options, another predictor) starts its own
     * instead of being refused as a different search under a stored id.
     */
    static List<String> withSearchId(Stage stage, String pipeline, List<String> args) {
        if (!stage.job().equals("evolve") || stage.option("search-id").isPresent()) {
            return args;
        }
        List<String> withId = new ArrayList<>(args);
        withId.add("--search-id");
        withId.add(pipeline + "-" + stage.name() + "-" + Hashing.id128("search", String.join("\u0000", args))
                .substring(0, 8));
        return withId;
    }

    private static void addUnlessSet(Stage stage, List<Option> options, String key, String value) {
        if (stage.option(key).isEmpty()) {
            options.add(new Option(key, value, stage.line()));
        }
    }
}
