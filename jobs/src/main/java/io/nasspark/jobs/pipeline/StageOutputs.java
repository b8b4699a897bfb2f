package io.nasspark.jobs.pipeline;

import io.nasspark.jobs.pipeline.PipelineFile.Option;
import io.nasspark.jobs.pipeline.PipelineFile.Stage;
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
    /** The ids of a search's last population, as a file of ids (evolve). */
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
        return names;
    }

    /**
     * The stage with the options the pipeline fills in when the file leaves them out: evolve's
     * {@code --search-id} and pareto's {@code --name} are {@code PIPELINE-STAGE}; report writes
     * the pipeline's page into {@code reports/PIPELINE}.
     */
    static Stage withDefaults(Stage stage, String pipeline) {
        List<Option> options = new ArrayList<>(stage.options());
        String name = pipeline + "-" + stage.name();
        switch (stage.job()) {
            case "evolve" -> addUnlessSet(stage, options, "search-id", name);
            case "pareto" -> addUnlessSet(stage, options, "name", name);
            case "report" -> {
                addUnlessSet(stage, options, "pipeline", pipeline);
                addUnlessSet(stage, options, "out", "reports/" + pipeline);
            }
            default -> { }
        }
        return new Stage(stage.name(), stage.job(), List.copyOf(options), stage.after(), stage.line(), stage.jobLine());
    }

    private static void addUnlessSet(Stage stage, List<Option> options, String key, String value) {
        if (stage.option(key).isEmpty()) {
            options.add(new Option(key, value, stage.line()));
        }
    }
}
