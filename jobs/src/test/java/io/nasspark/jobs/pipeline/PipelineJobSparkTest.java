package io.nasspark.jobs.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.schema.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole pipeline on real Fashion-MNIST images, small: sample, measure, fit a latency
 * predictor, search under it, measure and train the chosen networks, a front and the report. A
 * stage that fails stops the pipeline; the re-run skips what finished; a third run does nothing.
 */
class PipelineJobSparkTest extends SparkTestBase {

    private static final String FILE = """
            name: tiny
            stages:
              sample:
                options: {space: nb201, count: 40, input-size: 16, seed: 1}
              latency:
                job: measure-latency
                options: {space: nb201, input-size: 16, warmup: 2, repeats: 5}
              predictor:
                job: train-predictor
                options: {target: latency, model: lut, statistic: p10, group: "input_size=16", train-fraction: 0.75}
              search:
                job: evolve
                options:
                  space: nb201
                  input-size: 16
                  fitness: "predictor:${predictor}"
                  latency-predictor: ${predictor}
                  max-latency-ms: BUDGET
                  population: 4
                  keep: 2
                  generations: 2
                  seed: 0
              chosen-latency:
                job: measure-latency
                options: {ids: "${search.chosen}", input-size: 16, warmup: 2, repeats: 5}
              chosen-accuracy:
                job: train-accuracy
                options: {ids: "${search.chosen}", input-size: 16, epochs: 1, limit-images: 128, test-images: 100, batch: 32}
              front:
                job: pareto
                options: {from-tables: true, where: "input_size = 16", objectives: "latency_ms:min,top1:max"}
              report:
                job: report
                options: {out: OUT}
            """;

    private static Path file;
    private static Path report;

    @BeforeAll
    static void freshTables() throws IOException {
        drop();
        file = Files.createTempDirectory("pipeline").resolve("tiny.yaml");
        report = file.getParent().resolve("report");
    }

    private static CliRun pipeline(String budget, String... extra) throws IOException {
        Files.writeString(file, FILE.replace("BUDGET", budget).replace("OUT", report.toString()));
        return nas("pipeline --file " + file + (extra.length == 0 ? "" : " " + String.join(" ", extra)));
    }

    /** Each stage's status and finish time. */
    private static Map<String, String> stages() {
        Map<String, String> byStage = new TreeMap<>();
        for (Row r : spark.sql("SELECT stage, status, finished_at FROM " + table("pipeline_stages")
                + " WHERE pipeline = 'tiny'").collectAsList()) {
            byStage.put(r.getString(0), r.getString(1) + " " + r.get(2));
        }
        return byStage;
    }

    @Test
    void aFailedStageStopsThePipelineAndTheReRunResumesThereAndThenSkipsEverything() throws IOException {
        CliRun failed = pipeline("0.000001");
        assertEquals(1, failed.code(), failed.err());
        assertTrue(failed.err().contains("stage search (evolve) failed") && failed.err().contains("run the pipeline"
                + " again to resume it"), failed.err());
        Map<String, String> afterFailure = stages();
        assertEquals(4, afterFailure.size(), afterFailure.toString());
        assertTrue(afterFailure.get("search").startsWith("failed"), afterFailure.toString());
        assertTrue(afterFailure.get("predictor").startsWith("succeeded"), afterFailure.toString());

        CliRun resumed = pipeline("1000");
        assertEquals(0, resumed.code(), resumed.err());
        for (String done : List.of("sample", "latency", "predictor")) {
            assertTrue(resumed.err().contains(done + " (") && resumed.err().contains("done already"), resumed.err());
            assertEquals(afterFailure.get(done), stages().get(done), done + " was skipped, its row untouched");
        }
        Map<String, String> finished = stages();
        assertEquals(8, finished.size());
        finished.forEach((stage, status) -> assertTrue(status.startsWith("succeeded"), stage + ": " + status));

        // The outputs later stages used are the ones the tables hold.
        Map<String, String> outputs = spark.sql("SELECT stage, outputs FROM " + table("pipeline_stages")
                + " WHERE pipeline = 'tiny' AND stage IN ('predictor', 'search', 'front')").collectAsList().stream()
                .collect(java.util.stream.Collectors.toMap(r -> r.getString(0), r -> r.<String, String>getJavaMap(1)
                        .toString()));
        String predictorId = spark.sql("SELECT predictor_id FROM " + table("predictors")).first().getString(0);
        assertTrue(outputs.get("predictor").contains("id=" + predictorId), outputs.toString());
        String searchId = outputs.get("search").replaceAll(".*search_id=(tiny-search-[0-9a-f]{8}).*", "$1");
        assertTrue(searchId.matches("tiny-search-[0-9a-f]{8}"), outputs.toString());
        assertTrue(outputs.get("front").contains("analysis=tiny-front"), outputs.toString());
        assertEquals(2, spark.sql("SELECT * FROM " + table("searches")).count(),
                "the failed search's definition and the fixed one's, under ids of their own");
        assertTrue(spark.sql("SELECT definition FROM " + table("searches") + " WHERE search_id = '" + searchId + "'")
                .first().getString(0).contains(predictorId), "evolve ran with the stage's predictor");

        // train-accuracy trained exactly the search's last population, read from the chosen ids.
        List<String> chosen = ChosenNetworks.ids(spark, searchId);
        assertEquals(4, chosen.size());
        assertEquals(chosen.stream().sorted().toList(), spark.sql("SELECT id FROM " + table("accuracy")
                + " ORDER BY id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(4, spark.sql("SELECT DISTINCT id FROM " + table("latency") + " WHERE id IN ('"
                + String.join("','", chosen) + "')").count(), "the chosen networks were measured");
        assertTrue(resumed.out().contains("Chosen by search (" + searchId + ")"), resumed.out());
        assertTrue(resumed.out().contains(chosen.get(0).substring(0, 12)), resumed.out());

        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<h1>Pipeline tiny</h1>") && html.contains("tiny-front"), html);
        assertTrue(Files.size(report.resolve("pipeline-fitness-0.png")) > 0);
        assertTrue(Files.size(report.resolve("pipeline-latency-0.png")) > 0);

        long runs = spark.sql("SELECT * FROM " + table("runs")).count();
        CliRun again = pipeline("1000");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("every stage had finished before; nothing to run"), again.out());
        assertEquals(finished, stages(), "nothing ran again");
        assertEquals(runs + 1, spark.sql("SELECT * FROM " + table("runs")).count(), "only the pipeline's own run");

        CliRun only = pipeline("1000", "--only", "front");
        assertEquals(0, only.code(), only.err());
        Map<String, String> afterOnly = stages();
        assertNotEquals(finished.get("front"), afterOnly.get("front"), "--only runs the stage again");
        afterOnly.remove("front");
        finished.remove("front");
        assertEquals(finished, afterOnly, "and nothing else");
    }

    @Test
    void aBadFileExitsTwoNamingFileLineAndKeyAndRunsNothing() throws IOException {
        Path bad = Files.createTempDirectory("pipeline").resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nstages:\n  s:\n    job: sample\n    options: {space: nb201, cuont: 3}\n");
        long runs = spark.catalog().tableExists(table("runs")) ? spark.sql("SELECT * FROM " + table("runs")).count() : 0;
        CliRun run = nas("pipeline --file " + bad);
        assertEquals(2, run.code());
        assertTrue(run.err().contains(bad + ":5: stages.s.options.cuont: sample: Unknown option"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertEquals(runs, spark.catalog().tableExists(table("runs")) ? spark.sql("SELECT * FROM " + table("runs"))
                .count() : 0, "no run recorded");
        assertFalse(spark.catalog().tableExists(table("pipeline_stages"))
                && spark.sql("SELECT * FROM " + table("pipeline_stages") + " WHERE pipeline = 'bad'").count() > 0);
        assertEquals(2, nas("pipeline --file " + bad.getParent().resolve("missing.yaml")).code());
    }
}
