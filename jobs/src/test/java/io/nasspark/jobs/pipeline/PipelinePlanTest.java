package io.nasspark.jobs.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.pipeline.PipelineFile.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pipeline files checked before anything runs: order, references, and errors that name file, line and key. */
class PipelinePlanTest {

    private static PipelinePlan plan(String yaml) {
        return PipelinePlan.of(PipelineFile.parse("run.yaml", yaml));
    }

    private static String error(String yaml) {
        return assertThrows(PipelineFileException.class, () -> plan(yaml)).getMessage();
    }

    private static final String GOOD = """
            name: p
            stages:
              search:
                job: evolve
                options:
                  space: nb201
                  fitness: "predictor:${predictor}"
                  latency-predictor: ${predictor}
                  max-latency-ms: 2
              predictor:
                job: train-predictor
                options: {target: latency, model: lut, channel-scales: false}
              sample:
                options: {space: nb201, all: true}
                after: [predictor]
              accuracy:
                job: train-accuracy
                options: {ids: "${search.chosen}", epochs: 1}
            """;

    @Test
    void stagesRunAfterWhatTheyReferenceAndOtherwiseInTheFilesOrder() {
        PipelinePlan plan = plan(GOOD);
        assertEquals(List.of("predictor", "search", "sample", "accuracy"),
                plan.ordered().stream().map(Stage::name).toList());
        assertEquals(java.util.Set.of("predictor"), plan.dependencies("search"));
        assertEquals(List.of("sample", "accuracy"), plan.select("sample", null).stream().map(Stage::name).toList());
        assertEquals(List.of("search"), plan.select(null, "search").stream().map(Stage::name).toList());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan.select("nope", null)).getMessage()
                .contains("--from nope: no such stage"));
    }

    @Test
    void argumentsResolveReferencesFlagsAndDefaults() {
        PipelinePlan plan = plan(GOOD);
        Stage search = StageOutputs.withDefaults(plan.file().stage("search").orElseThrow(), "p");
        List<String> args = PipelinePlan.arguments(search, "p", (stage, output) -> stage + ":" + output);
        assertEquals(List.of("evolve", "--space", "nb201", "--fitness", "predictor:predictor:null",
                "--latency-predictor", "predictor:null", "--max-latency-ms", "2"), args);
        List<String> withId = StageOutputs.withSearchId(search, "p", args);
        assertEquals(args, withId.subList(0, args.size()));
        assertTrue(withId.get(args.size() + 1).matches("p-search-[0-9a-f]{8}"), withId.toString());
        assertEquals(withId, StageOutputs.withSearchId(search, "p", args), "the same command line, the same search");
        List<String> other = new java.util.ArrayList<>(args);
        other.set(other.size() - 1, "3");
        assertTrue(!StageOutputs.withSearchId(search, "p", other).get(args.size() + 1)
                .equals(withId.get(args.size() + 1)), "another bound, another search");
        Stage sample = plan.file().stage("sample").orElseThrow();
        assertEquals(List.of("sample", "--space", "nb201", "--all"), PipelinePlan.arguments(sample, "p", null));
        Stage predictor = plan.file().stage("predictor").orElseThrow();
        assertEquals(List.of("train-predictor", "--target", "latency", "--model", "lut"),
                PipelinePlan.arguments(predictor, "p", null), "a flag set to false is left out");
        Stage accuracy = plan.file().stage("accuracy").orElseThrow();
        assertEquals("search:chosen", PipelinePlan.arguments(accuracy, "p", (s, o) -> s + ":" + o).get(2));
    }

    @Test
    void anUnknownJobOptionOrKeyNamesTheFileLineAndKey() {
        assertEquals("run.yaml:4: stages.a.job: unknown job 'smaple'; the jobs are ", error("""
                name: p
                stages:
                  a:
                    job: smaple
                """).replaceAll("are .*", "are "));
        String option = error("""
                name: p
                stages:
                  s:
                    job: sample
                    options:
                      space: nb201
                      cuont: 3
                """);
        assertTrue(option.startsWith("run.yaml:7: stages.s.options.cuont: sample: Unknown options: '--cuont'"), option);
        assertEquals("run.yaml:4: stages.s.optoins: unknown key; expected one of after, job, options", error("""
                name: p
                stages:
                  s:
                    optoins: {}
                """));
        assertTrue(error("""
                name: p
                stages:
                  s:
                    job: sample
                    options: {space: nb201, tables: /tmp/x}
                """).startsWith("run.yaml:5: stages.s.options.tables: set for every stage at once"));
        assertTrue(error("name: p\nstages: {s: {job: sample, options: {space: [a, b}}}\n").startsWith(
                "run.yaml:2: not valid YAML"));
        assertEquals("run.yaml:1: stages: missing", error("name: p\n"));
        assertTrue(error("""
                name: p
                stages:
                  s:
                    job: evolve
                    options: {space: nb201}
                """).contains("run.yaml:3: stages.s: evolve: Missing required option: '--fitness"));
    }

    @Test
    void aReferenceToNoStageOrNoOutputAndACycleAreRefused() {
        assertTrue(error("""
                name: p
                stages:
                  s:
                    job: evolve
                    options:
                      space: nb201
                      fitness: accuracy
                      latency-predictor: ${predictr}
                """).startsWith("run.yaml:8: stages.s.options.latency-predictor: ${predictr} names no stage of the"
                        + " file; the stages are s"));
        assertTrue(error("""
                name: p
                stages:
                  a:
                    job: sample
                    options: {space: nb201, all: true}
                  b:
                    job: train-accuracy
                    options: {ids: "${a.chosen}"}
                """).startsWith("run.yaml:8: stages.b.options.ids: stage a (sample) has no output 'chosen'; it has"
                        + " run_id"));
        assertEquals("run.yaml:3: stages.a: the stages wait for each other in a cycle: a -> c -> b -> a", error("""
                name: p
                stages:
                  a:
                    job: train-accuracy
                    options: {ids: "${c.chosen}"}
                  b:
                    job: sample
                    options: {space: nb201, all: true}
                    after: a
                  c:
                    job: evolve
                    options: {space: nb201, fitness: accuracy}
                    after: [b]
                """));
        assertTrue(error("""
                name: p
                stages:
                  a:
                    job: sample
                    options: {space: nb201, all: true}
                    after: [z]
                """).startsWith("run.yaml:3: stages.a.after: no stage 'z' in the file"));
    }

    @Test
    void theBuiltInPipelinesAreValid() {
        for (String name : PipelineJob.BUILT_IN) {
            PipelinePlan plan = PipelinePlan.of(PipelineJob.load(name));
            assertEquals(plan.file().stages().size(), plan.ordered().size(), name);
        }
    }
}
