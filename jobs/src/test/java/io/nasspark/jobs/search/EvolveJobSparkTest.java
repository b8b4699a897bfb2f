package io.nasspark.jobs.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * evolve over every nb201 cell with a stored accuracy (a function of the cell written by the
 * test): a search stopped after a generation and resumed ends exactly as an uninterrupted one,
 * changed arguments are refused with the differences, an unmeetable constraint stops.
 */
class EvolveJobSparkTest extends SparkTestBase {

    private static final String SEARCH = "evolve --space nb201 --strategy evolution --fitness accuracy --population 8"
            + " --generations 5 --keep 4 --seed 3 --max-flops 60000000";

    @BeforeAll
    static void accuracyOfEveryCell() {
        drop();
        assertEquals(0, nas("sample --space nb201 --all").code());
        // top-1 grows with 3x3 convolutions, plus a deterministic jitter from the id.
        new TableStore(spark).merge(Tables.ACCURACY, spark.table(IcebergCatalog.qualified("architectures"))
                .selectExpr("id", "input_size", "classes", "'synthetic' AS task", "'lookup' AS recipe", "space",
                        "CAST(NULL AS INT) AS epochs", "CAST(NULL AS BIGINT) AS seed",
                        "50 + 5 * (length(arch) - length(replace(arch, 'nor_conv_3x3', ''))) / 12"
                                + " + (abs(hash(id)) % 1000) / 1000.0 AS top1",
                        "CAST(NULL AS DOUBLE) AS top5", "CAST(NULL AS DOUBLE) AS train_seconds",
                        "'test' AS source", "'ok' AS status", "CAST(NULL AS STRING) AS error",
                        "'test' AS run_id", "current_timestamp() AS created_at"));
    }

    private static List<String> generations(String searchId) {
        return spark.sql("SELECT generation, id, fitness, evaluated, in_population, population_rank FROM "
                + IcebergCatalog.qualified("search_generations") + " WHERE search_id = '" + searchId
                + "' ORDER BY generation, id").collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void aStoppedSearchResumesToTheResultOfAnUninterruptedOne() {
        CliRun stopped = nas(SEARCH + " --search-id interrupted --stop-after 2");
        assertNotEquals(0, stopped.code());
        assertTrue(stopped.err().contains("stopped after generation 2"), stopped.err());
        assertEquals(2, spark.sql("SELECT max(generation) FROM " + IcebergCatalog.qualified("search_generations")
                + " WHERE search_id = 'interrupted'").first().getInt(0));

        CliRun resumed = nas(SEARCH + " --search-id interrupted");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed after generation 2"), resumed.out());
        CliRun whole = nas(SEARCH + " --search-id whole");
        assertEquals(0, whole.code(), whole.err());
        assertEquals(generations("whole"), generations("interrupted"));
        assertEquals(5, spark.sql("SELECT DISTINCT generation FROM " + IcebergCatalog.qualified("search_generations")
                + " WHERE search_id = 'whole'").count());
        assertEquals(0, spark.sql("SELECT * FROM " + IcebergCatalog.qualified("search_generations")
                + " WHERE evaluated AND flops > 60000000").count(), "the constraint held");
        assertTrue(Files.exists(WAREHOUSE.resolve("searches/whole/best/arch.txt")), "best network saved");

        // The population's best never gets worse under evolution's elitism.
        List<Row> best = spark.sql("SELECT generation, max(fitness) FROM " + IcebergCatalog.qualified(
                "search_generations") + " WHERE search_id = 'whole' AND in_population GROUP BY generation"
                + " ORDER BY generation").collectAsList();
        for (int i = 1; i < best.size(); i++) {
            assertTrue(best.get(i).getDouble(1) >= best.get(i - 1).getDouble(1), best.toString());
        }

        CliRun changed = nas(SEARCH.replace("--population 8", "--population 9") + " --search-id whole");
        assertNotEquals(0, changed.code());
        assertTrue(changed.err().contains("--population 8 (stored) vs 9 (given)"), changed.err());
    }

    @Test
    void storedPredictorsGiveTheFitnessAndTheLatencyConstraintAndSourcesCombineByWeight() throws Exception {
        // Latency of a cell on an imaginary device: a fixed function of its FLOPs.
        Path csv = Files.createTempFile("latency", ".csv");
        List<String> lines = new ArrayList<>(List.of("arch,hw,ms"));
        spark.sql("SELECT arch, flops FROM " + IcebergCatalog.qualified("architectures") + " ORDER BY id LIMIT 600")
                .collectAsList().forEach(r -> lines.add(String.format(Locale.ROOT, "%s,synth,%.5f", r.getString(0),
                        0.5 + r.getLong(1) / 2e7)));
        Files.write(csv, lines);
        assertEquals(0, nas("import-table --input " + csv + " --space nb201 --latency-column ms --group-columns hw").code());
        assertEquals(0, nas("train-predictor --target latency --model lut --train-fraction 0.8 --seed 1").code());
        assertEquals(0, nas("train-predictor --target accuracy --model lut --train-size 2000 --seed 1").code());
        String latencyPredictor = predictorOf("latency");
        String accuracyPredictor = predictorOf("accuracy");

        String search = "evolve --space nb201 --population 8 --generations 3 --keep 4 --seed 5 --max-latency-ms 2.5"
                + " --latency-predictor " + latencyPredictor.substring(0, 12);
        CliRun predicted = nas(search + " --fitness predictor:" + accuracyPredictor + " --search-id predicted");
        assertEquals(0, predicted.code(), predicted.err());
        String rows = "FROM " + IcebergCatalog.qualified("search_generations") + " g JOIN "
                + IcebergCatalog.qualified("predictions") + " p ON g.id = p.id AND p.predictor_id = ";
        assertEquals(24, spark.sql("SELECT g.id " + rows + "'" + accuracyPredictor + "' WHERE g.search_id ="
                + " 'predicted' AND g.evaluated AND g.fitness = p.predicted").count(), "fitness is the prediction");
        assertEquals(0, spark.sql("SELECT g.id FROM " + IcebergCatalog.qualified("search_generations")
                + " g WHERE search_id = 'predicted' AND evaluated AND NOT latency_ms <= 2.5").count());
        assertEquals(spark.sql("SELECT DISTINCT predictor_id, id, input_size, classes FROM "
                        + IcebergCatalog.qualified("predictions")).count(),
                spark.sql("SELECT * FROM " + IcebergCatalog.qualified("predictions")).count(),
                "stored predictions reused, none twice");

        // Resumed under the predicted bound, the survivors carried over keep their predicted latency.
        assertNotEquals(0, nas(search + " --fitness predictor:" + accuracyPredictor + " --search-id resumed"
                + " --stop-after 1").code());
        assertEquals(0, nas(search + " --fitness predictor:" + accuracyPredictor + " --search-id resumed").code());
        assertEquals(generationsWithLatency("predicted"), generationsWithLatency("resumed"));

        CliRun weighted = nas(search + " --fitness accuracy,predictor:" + accuracyPredictor + " --weights 1,-1"
                + " --search-id weighted");
        assertEquals(0, weighted.code(), weighted.err());
        assertEquals(0, spark.sql("SELECT g.id " + rows + "'" + accuracyPredictor + "' JOIN "
                + IcebergCatalog.qualified("accuracy") + " a ON a.id = g.id WHERE g.search_id = 'weighted' AND"
                + " g.evaluated AND abs(g.fitness - (a.top1 - p.predicted)) > 1e-9").count(), "top1 - predicted");
        assertTrue(spark.sql("SELECT * FROM " + IcebergCatalog.qualified("search_generations")
                + " WHERE search_id = 'weighted' AND evaluated").count() > 0);
    }

    private static List<String> generationsWithLatency(String searchId) {
        return spark.sql("SELECT generation, id, fitness, latency_ms, evaluated, in_population, population_rank FROM "
                + IcebergCatalog.qualified("search_generations") + " WHERE search_id = '" + searchId
                + "' ORDER BY generation, id").collectAsList().stream().map(Row::toString).toList();
    }

    private static String predictorOf(String target) {
        return spark.sql("SELECT predictor_id FROM " + IcebergCatalog.qualified("predictors") + " WHERE target = '"
                + target + "'").first().getString(0);
    }

    @Test
    void measuredLatencyIsReadUnderOneProtocol() {
        // Every cell measured under two protocols on one device; p2 reads 100 times p1.
        new TableStore(spark).merge(Tables.LATENCY, spark.sql("SELECT id, input_size, classes, 'dev' AS device,"
                + " protocol, space, 1 AS batch, 1 AS warmup, 3 AS repeats, 1 AS threads,"
                + " (0.5 + flops / 2e7) * factor AS median_ms FROM " + IcebergCatalog.qualified("architectures")
                + " LATERAL VIEW inline(array(struct('p1', 1.0), struct('p2', 100.0))) p AS protocol, factor")
                .selectExpr(latencyColumns()));
        String search = "evolve --space nb201 --population 8 --generations 2 --keep 4 --seed 6 --fitness accuracy"
                + " --max-latency-ms 2.5 --latency-device dev";
        try {
            searchUnderOneProtocol(search);
        } finally {
            spark.sql("DELETE FROM " + IcebergCatalog.qualified("latency") + " WHERE device = 'dev'"); // other tests fit on latency
        }
    }

    private void searchUnderOneProtocol(String search) {
        CliRun ambiguous = nas(search + " --search-id two-protocols");
        assertEquals(2, ambiguous.code(), ambiguous.err());
        assertTrue(ambiguous.err().contains("has nb201 rows under 2 protocols [p1, p2]; name one with"
                + " --latency-protocol"), ambiguous.err());
        CliRun unknown = nas(search + " --latency-protocol p3 --search-id unknown-protocol");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("its protocols are [p1, p2]"), unknown.err());

        CliRun p1 = nas(search + " --latency-protocol p1 --search-id protocol-p1");
        assertEquals(0, p1.code(), p1.err());
        List<Row> seen = spark.sql("SELECT g.latency_ms, 0.5 + a.flops / 2e7 FROM "
                + IcebergCatalog.qualified("search_generations") + " g JOIN "
                + IcebergCatalog.qualified("architectures") + " a ON g.id = a.id WHERE g.search_id = 'protocol-p1'"
                + " AND g.evaluated").collectAsList();
        assertTrue(seen.size() >= 8, "the first generation at least: " + seen.size());
        for (Row r : seen) {
            assertEquals(r.getDouble(1), r.getDouble(0), 1e-9, "p1's latency, not a mean with p2's");
            assertTrue(r.getDouble(0) <= 2.5);
        }
    }

    /** The latency table's columns, the ones a test leaves out as nulls. */
    private static String[] latencyColumns() {
        return Tables.LATENCY.columns().stream().map(c -> switch (c) {
            case "id", "input_size", "classes", "device", "protocol", "space", "batch", "warmup", "repeats",
                    "threads", "median_ms" -> c;
            case "source" -> "'test' AS source";
            case "status" -> "'ok' AS status";
            case "run_id" -> "'test' AS run_id";
            case "measured_at" -> "current_timestamp() AS measured_at";
            default -> "CAST(NULL AS " + Tables.LATENCY.schema().apply(c).dataType().sql() + ") AS " + c;
        }).toArray(String[]::new);
    }

    @Test
    void aConstraintNoCandidateMeetsStopsWithAMessage() {
        CliRun r = nas(SEARCH.replace("--max-flops 60000000", "--max-flops 10 --max-tries 20")
                + " --search-id impossible");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("relax the constraint"), r.err());

        CliRun none = nas(SEARCH + " --task no-such-task --search-id nothing");
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("gave no value for any of the 8 candidates of generation 1")
                && none.err().contains("task no-such-task"), none.err());
    }
}
