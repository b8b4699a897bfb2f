package io.nasspark.jobs.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.jobs.predict.StoredPredictors;
import io.nasspark.predict.Predictor;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpaces;
import io.nasspark.util.FileTrees;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tiny sweep of LightNAS through the job on real Fashion-MNIST images, with an MLP latency
 * predictor fit to latencies measured here: rows, trace, derived networks, the plot; a sweep
 * killed after its first epoch resumes from the checkpoints to the uninterrupted result; bad
 * input is refused with one line and nothing written.
 */
class SupernetSearchJobSparkTest extends SparkTestBase {

    private static final String SWEEP = " --space mbconv-mini --train-images 128 --validation-images 64 --batch 32"
            + " --epochs 2 --seeds 3";
    private static String mlp;
    private static String gbt;
    private static double[] range;

    @BeforeAll
    static void measuredLatencyAndPredictors() {
        drop();
        assertEquals(0, nas("sample --space mbconv-mini --count 60 --seed 1").code());
        assertEquals(0, nas("measure-latency --space mbconv-mini --repeats 10 --warmup 3").code());
        assertEquals(0, nas("train-predictor --target latency --model mlp --train-fraction 0.8").code());
        assertEquals(0, nas("train-predictor --target latency --model gbt --trees 2 --train-fraction 0.8").code());
        mlp = predictorId("mlp");
        gbt = predictorId("gbt");
        Row p = StoredPredictors.find(new TableStore(spark), mlp);
        Predictor predictor = StoredPredictors.load(p);
        var space = SearchSpaces.byName("mbconv-mini");
        double[] y = predictor.predict(space, java.util.stream.LongStream.range(0, 500).mapToObj(new io.nasspark.space.CandidateSampler(space, 0)::at).toList());
        range = new double[] {java.util.Arrays.stream(y).min().orElseThrow(), java.util.Arrays.stream(y).max().orElseThrow()};
    }

    private static String predictorId(String model) {
        return spark.sql("SELECT predictor_id FROM " + table("predictors") + " WHERE model = '" + model + "'")
                .first().getString(0);
    }

    private static String targets() {
        double span = range[1] - range[0];
        return String.format(Locale.ROOT, "%.4f,%.4f", range[0] + 0.3 * span, range[0] + 0.6 * span);
    }

    private static List<Row> searches() {
        return spark.sql("SELECT search_id, status, arch, id, predicted_ms, final_lambda, steps, resumed_from_epoch, error,"
                + " target_ms FROM " + table("supernet_searches") + " ORDER BY search_id").collectAsList();
    }

    private static List<Row> trace() {
        return spark.sql("SELECT search_id, step, epoch, lambda, predicted_ms, train_loss, validation_loss,"
                + " alpha_entropy, arch FROM " + table("supernet_trace") + " ORDER BY search_id, step").collectAsList();
    }

    private static long rows(String name) {
        return new TableStore(spark).exists(Tables.byName(name).orElseThrow())
                ? spark.table(IcebergCatalog.qualified(name)).count() : 0;
    }

    @Test
    void aKilledSweepResumesFromItsCheckpointsToTheUninterruptedResult() throws Exception {
        String sweep = "supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms " + targets() + SWEEP;
        CliRun killed = nas(sweep + " --stop-after-epoch 1");
        assertNotEquals(0, killed.code());
        assertTrue(killed.err().contains("stopped after epoch 1"), killed.err());
        assertEquals(0, rows("supernet_searches"), "nothing written by the killed run");

        CliRun resumed = nas(sweep);
        assertEquals(0, resumed.code(), resumed.err());
        List<Row> afterKill = searches();
        assertEquals(2, afterKill.size());
        for (Row r : afterKill) {
            assertEquals(Tables.OK, r.getString(1), r.toString());
            assertEquals(2 * 128 / 32, r.getInt(6), "every step traced, the first epoch's from the checkpoint");
            assertEquals(1, r.getInt(7), "resumed after epoch 1");
            assertEquals(1, spark.sql("SELECT * FROM " + table("architectures") + " WHERE id = '" + r.getString(3)
                    + "' AND input_size = 16").count(), "derived network in architectures");
        }
        assertEquals(2 * 8, rows("supernet_trace"));
        for (Row r : afterKill) {
            // lightnas derives within 1 % of T by default (the argmax is in the trace and the summary)
            assertEquals(1, r.getDouble(4) / r.getDouble(9), 0.01, "derived within 1 % of T: " + r);
        }
        assertTrue(resumed.out().contains("argmax vs T %"), resumed.out());
        assertTrue(resumed.out().contains("λ and LAT(ᾱ)/T by step: "), resumed.out());
        assertTrue(Files.list(WAREHOUSE.resolve("plots")).anyMatch(f -> f.toString().endsWith(".png")));

        CliRun again = nas(sweep);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("2 searches, 2 already stored, 0 run"), again.out());
        assertEquals(2, rows("supernet_searches"));

        List<Row> traceAfterKill = trace();
        // the same sweep uninterrupted, from no checkpoints: the same networks and λ
        drop(Tables.SUPERNET_SEARCHES, Tables.SUPERNET_TRACE);
        FileTrees.delete(WAREHOUSE.resolve("checkpoints"));
        assertEquals(0, nas(sweep).code());
        List<Row> whole = searches();
        assertEquals(traceAfterKill, trace(), "every step as in the resumed sweep");
        for (int i = 0; i < whole.size(); i++) {
            assertEquals(afterKill.get(i).getString(2), whole.get(i).getString(2));
            assertEquals(afterKill.get(i).getDouble(5), whole.get(i).getDouble(5), 1e-9);
            assertEquals(0, whole.get(i).getInt(7));
        }
    }

    @Test
    void lightNetsPlusPlusScalesOnlyTheChannelsOfAFoundNetworkUnderItsLatencyBound() {
        assertEquals(0, nas("sample --space mbconv-mini --channel-scales --count 40 --seed 2").code());
        assertEquals(0, nas("measure-latency --space mbconv-mini --repeats 10 --warmup 3").code());
        assertEquals(0, nas("train-predictor --target latency --model lut --channel-scales --train-fraction 0.8").code());
        Row lutRow = spark.sql("SELECT * FROM " + table("predictors") + " WHERE model = 'lut'").first();
        assertTrue(StoredPredictors.readsChannelScales(lutRow), lutRow.<String>getAs("split"));
        String lut = lutRow.getAs("predictor_id");
        String found = "MBK5E6-Skip-MBK3E3-MBK7E6-MBK3E6-Skip-MBK5E3-MBK3E3";
        var scaled = (io.nasspark.space.mbconv.MbConvSpace) SearchSpaces.byName("mbconv-mini", true);
        var channels = scaled.channelsOf(scaled.parse(found));
        double bound = 1.1 * StoredPredictors.load(lutRow).predict(channels, List.of(scaled.parse(found)))[0];
        String search = String.format(Locale.ROOT, "evolve --space mbconv-mini --channels-of %s --fitness proxy:jacov"
                + " --latency-predictor %s --max-latency-ms %.4f --population 4 --generations 2"
                // proxy fitness trains each candidate 3 epochs besides taking jacov: 4 batches of 32 do here
                + " --limit-images 128 --batch 32", found, lut, bound);
        assertEquals(0, nas(search + " --search-id lightnets-pp").code());
        List<Row> rows = spark.sql("SELECT arch, latency_ms FROM " + table("search_generations")
                + " WHERE search_id = 'lightnets-pp'").collectAsList();
        assertTrue(rows.size() >= 8, "two generations of four: " + rows.size());
        for (Row r : rows) {
            var c = scaled.parse(r.getString(0));
            for (int l = 0; l < scaled.layers(); l++) {
                assertEquals(scaled.op(scaled.parse(found), l), scaled.op(c, l), "operators as found: " + r);
            }
            assertTrue(r.getDouble(1) <= bound, "under the bound: " + r);
        }
        assertTrue(rows.stream().anyMatch(r -> r.getString(0).contains("x")), "some channels scaled: " + rows);

        CliRun opsOnly = nas(search.replace(lut, mlp) + " --search-id lightnets-pp-mlp");
        assertEquals(2, opsOnly.code(), opsOnly.err());
        assertTrue(opsOnly.err().contains("reads no channel scales, which --channels-of searches"), opsOnly.err());
        assertBad("supernet-search --method lightnas --latency-predictor " + lut + " --targets-ms " + targets() + SWEEP,
                "reads channel scales, which the supernet keeps at 1");
    }

    @Test
    void badInputIsRefusedWithOneLineAndNothingWritten() {
        long before = rows("supernet_searches");
        assertBad("supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms 1000" + SWEEP,
                "is outside what predictor");
        assertBad("supernet-search --method lightnas --latency-predictor " + gbt + " --targets-ms " + targets() + SWEEP,
                "(gbt) has no gradient in its input");
        assertBad("supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms 2"
                + SWEEP.replace("mbconv-mini", "nb201"), "space nb201 has no searchable MBConv layers");
        assertBad("supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms 2"
                + SWEEP.replace("mbconv-mini", "mbconv-small"), "is for space mbconv-mini, not for mbconv-small");
        assertBad("supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms 2"
                + SWEEP.replace("--epochs 2", "--epochs 0"), "--epochs must be at least 1, got 0");
        assertBad("supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms 2" + SWEEP
                + " --warmup-epochs 2", "--warmup-epochs must be at least 0 and below --epochs (2), got 2");
        assertBad("supernet-search --method fixed-lambda --latency-predictor " + mlp + " --targets-ms 2" + SWEEP,
                "--method fixed-lambda needs --lambdas");
        assertBad("supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms 2" + SWEEP
                + " --derive nearest", "--derive must be argmax or within-target, got nearest");
        assertBad("supernet-search --method lightnas --latency-predictor " + mlp + " --targets-ms 2" + SWEEP
                + " --derive-tolerance 0", "--derive-tolerance must be above 0 and below 1, got 0.0");
        assertEquals(before, rows("supernet_searches"));
    }

    private static void assertBad(String args, String message) {
        CliRun run = nas(args);
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains(message), run.err());
    }
}
