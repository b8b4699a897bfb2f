package io.nasspark.jobs.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SharedData;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.jobs.SyntheticPairs;
import io.nasspark.predict.Predictors;
import io.nasspark.predict.meta.MetaMlpPredictor;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate-pairs on a tiny task of real Fashion-MNIST images, and meta-pretrain, meta-adapt and
 * predict on pairs whose accuracy is a known function of the architecture (so that the test
 * runs in seconds): the four methods stored, maml ahead of training on the shots alone, the
 * adapted predictor served by predict, and bad input refused with exit 2.
 */
class MetaPredictorJobsSparkTest extends SparkTestBase {

    @BeforeEach
    void emptyTables() {
        drop();
    }

    @Test
    void generatePairsTrainsCandidatesOnATinyTaskOnceEach() {
        String args = "generate-pairs --space nb201 --count 3 --classes 3 --images-per-class 20 --resolution 8"
                + " --epochs 1 --batch 16 --test-images 60 --seed 4";
        CliRun first = nas(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("3 candidates, 0 already in accuracy, 3 evaluated (3 ok, 0 failed)"),
                first.out());
        List<Row> rows = spark.sql("SELECT task, classes, input_size, top1 FROM " + table("accuracy")).collectAsList();
        assertEquals(3, rows.size());
        for (Row r : rows) {
            assertEquals("fashion-mnist/tiny-n3-m20-r8-s4", r.getString(0));
            assertEquals(3, r.getInt(1), "a classifier of the task's 3 classes");
            assertEquals(8, r.getInt(2));
            assertTrue(r.getDouble(3) >= 0 && r.getDouble(3) <= 100, "top-1 " + r.getDouble(3));
        }
        CliRun again = nas(args);
        assertTrue(again.out().contains("3 already in accuracy, 0 evaluated"), again.out());
        assertEquals(3, spark.sql("SELECT * FROM " + table("accuracy")).count());

        CliRun tooMany = nas("generate-pairs --space nb201 --count 2 --classes 3 --images-per-class 7000"
                + " --resolution 8 --seed 4");
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("7000"), tooMany.err());
    }

    private static void writePairs(SearchSpace space, List<Row> candidates, String task, double level, double spread,
            boolean oneNaN) {
        SyntheticPairs.write(spark, space, candidates, task, level, spread, oneNaN);
    }

    @Test
    void metaAdaptStoresTheFourMethodsAndPredictServesTheAdaptedOne() throws Exception {
        assertEquals(0, nas("sample --space nb201 --count 260 --input-size 8 --classes 5 --seed 3").code());
        List<Row> candidates = spark.sql("SELECT id, arch, input_size, classes FROM " + table("architectures")
                + " ORDER BY sample_index").collectAsList();
        SearchSpace nb201 = SearchSpaces.byName("nb201");
        writePairs(nb201, candidates.subList(0, 110), "source-a", 70, 6, false);
        writePairs(nb201, candidates.subList(110, 220), "source-b", 55, 3, false);
        writePairs(nb201, candidates.subList(220, 260), "target", 88, 2, true);

        CliRun pretrain = nas("meta-pretrain --source-tasks source-a,source-b --outer-steps 300 --hidden 32,16"
                + " --inner-steps 3 --inner-lr 0.05 --outer-lr 0.003 --seed 1");
        assertEquals(0, pretrain.code(), pretrain.err());
        assertTrue(pretrain.out().contains("second-order MAML, 3 inner steps) of nb201 from 220 pairs of 2 task(s)"),
                pretrain.out());
        Row meta = spark.sql("SELECT * FROM " + table("predictors")).first();
        assertEquals(MetaPretrainJob.MODEL, meta.getAs("model"));

        CliRun adapt = nas("meta-adapt --target-task target --shots 10 --seed 0 --draws 3 --compare-baselines"
                + " --fit-steps 300");
        assertEquals(0, adapt.code(), adapt.err());
        assertTrue(adapt.out().contains("judged on the other 29 pairs (1 rows without an accuracy skipped)"),
                adapt.out());
        List<Row> adapted = spark.sql("SELECT model, avg(kendall_tau), count(*), min(test_rows), min(rmse) FROM "
                + table("predictors") + " WHERE model != 'maml-init' GROUP BY model").collectAsList();
        Map<String, Double> tau = new HashMap<>();
        for (Row r : adapted) {
            assertEquals(3, r.getLong(2), "one row per draw for " + r.getString(0));
            assertEquals(29, r.getLong(3));
            assertTrue(r.getDouble(4) > 0, "rmse of " + r.getString(0));
            tau.put(r.getString(0), r.getDouble(1));
        }
        assertEquals(4, tau.size(), tau.toString());
        System.out.println("meta-adapt on synthetic pairs, mean tau over 3 draws: " + tau);
        assertTrue(tau.get("maml") > tau.get("target-only"), tau.toString());
        assertTrue(tau.get("maml") > 0.5, tau.toString());

        CliRun again = nas("meta-adapt --target-task target --shots 10 --seed 0 --draws 3 --compare-baselines"
                + " --fit-steps 300");
        assertEquals(0, again.code(), again.err());
        assertEquals(13, spark.sql("SELECT * FROM " + table("predictors")).count(), "a re-run adds no rows");

        Row maml = spark.sql("SELECT predictor_id, path FROM " + table("predictors")
                + " WHERE model = 'maml' AND seed = 0").first();
        CliRun predict = nas("predict --predictor " + maml.getString(0).substring(0, 12) + " --space nb201");
        assertEquals(0, predict.code(), predict.err());
        List<Row> predicted = spark.sql("SELECT a.arch, p.predicted FROM " + table("predictions") + " p JOIN "
                + table("architectures") + " a USING (id, input_size, classes) WHERE p.predictor_id = '"
                + maml.getString(0) + "'").collectAsList();
        assertEquals(260, predicted.size());
        MetaMlpPredictor loaded = (MetaMlpPredictor) Predictors.load(Path.of(maml.getString(1)));
        for (Row r : predicted.subList(0, 20)) {
            double expected = loaded.predict(nb201, List.of(nb201.parse(r.getString(0))))[0];
            assertEquals(expected, r.getDouble(1), 1e-9);
        }

        CliRun tooFew = nas("meta-adapt --target-task target --shots 38");
        assertEquals(2, tooFew.code());
        assertTrue(tooFew.err().contains("target task target has 39 pairs with an accuracy; --shots 38 needs at least 40"),
                tooFew.err());
        CliRun sameTask = nas("meta-adapt --target-task source-a");
        assertEquals(2, sameTask.code());
        assertTrue(sameTask.err().contains("--target-task source-a is a source task"), sameTask.err());

        assertEquals(0, nas("sample --space mbconv-small --count 12 --seed 3").code());
        List<Row> mbconv = spark.sql("SELECT id, arch, input_size, classes FROM " + table("architectures")
                + " WHERE space = 'mbconv-small'").collectAsList();
        writePairs(SearchSpaces.byName("mbconv-small"), mbconv, "other-space", 80, 2, false);
        CliRun otherSpace = nas("meta-adapt --target-task other-space");
        assertEquals(2, otherSpace.code());
        assertTrue(otherSpace.err().contains("hold pairs of space mbconv-small, not of nb201"), otherSpace.err());
        CliRun mixed = nas("meta-pretrain --source-tasks source-a,other-space --outer-steps 10");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("more than one space (mbconv-small, nb201)"), mixed.err());
    }

    @Test
    void latencyOfANewDeviceFromTenMeasurementsOfTheRealTable(@TempDir Path dir) {
        Path csv = SharedData.deviceLatencies(dir,
                Set.of("1080ti_1", "titanx_1", "2080ti_1", "titan_rtx_1", "silver_4114"), 240);
        assertEquals(0, nas("import-table --input " + csv + " --space nb201 --latency-column latency_ms"
                + " --group-columns device").code());

        CliRun wrongSources = nas("meta-pretrain --target latency --source-tasks device=1080ti_1");
        assertEquals(2, wrongSources.code());
        assertTrue(wrongSources.err().contains("--target latency learns from --source-devices"), wrongSources.err());

        CliRun pretrain = nas("meta-pretrain --target latency --source-devices device=1080ti_1,device=titanx_1,"
                + "device=2080ti_1,device=silver_4114 --outer-steps 200 --hidden 32,16 --seed 1");
        assertEquals(0, pretrain.code(), pretrain.err());
        assertTrue(pretrain.out().contains("latency predictor") && pretrain.out().contains("of 4 device(s)"),
                pretrain.out());

        CliRun adapt = nas("meta-adapt --target-device device=titan_rtx_1 --shots 10 --draws 2 --compare-baselines"
                + " --fit-steps 200");
        assertEquals(0, adapt.code(), adapt.err());
        List<Row> judged = spark.sql("SELECT model, avg(spearman_rho), count(*), min(test_rows) FROM "
                + table("predictors") + " WHERE target = 'latency' AND model != 'maml-init' GROUP BY model")
                .collectAsList();
        Map<String, Double> rho = new HashMap<>();
        for (Row r : judged) {
            assertEquals(2, r.getLong(2), "one row per draw for " + r.getString(0));
            assertEquals(230, r.getLong(3));
            rho.put(r.getString(0), r.getDouble(1));
        }
        System.out.println("meta-adapt to titan_rtx_1 from 10 of its latencies, mean rho over 2 draws: " + rho);
        assertEquals(4, rho.size(), rho.toString());
        assertTrue(rho.get("maml") > rho.get("target-only") && rho.get("maml") > 0.7, rho.toString());

        Row maml = spark.sql("SELECT predictor_id, grp FROM " + table("predictors")
                + " WHERE model = 'maml' AND seed = 0").first();
        assertEquals("device=device=titan_rtx_1,protocol=imported", maml.getString(1));
        CliRun predict = nas("predict --predictor " + maml.getString(0).substring(0, 12) + " --space nb201");
        assertEquals(0, predict.code(), predict.err());
        Row range = spark.sql("SELECT min(predicted), max(predicted) FROM " + table("predictions")
                + " WHERE predictor_id = '" + maml.getString(0) + "'").first();
        assertTrue(range.getDouble(0) > 1 && range.getDouble(1) < 20, "milliseconds of a GPU at batch 1: " + range);

        CliRun taskOfLatency = nas("meta-adapt --target-task fashion-mnist --meta-predictor "
                + spark.sql("SELECT predictor_id FROM " + table("predictors") + " WHERE model = 'maml-init'")
                        .first().getString(0).substring(0, 12));
        assertEquals(2, taskOfLatency.code());
        assertTrue(taskOfLatency.err().contains("predicts latency: name the target with --target-device"),
                taskOfLatency.err());
        CliRun source = nas("meta-adapt --target-device device=titanx_1");
        assertEquals(2, source.code());
        assertTrue(source.err().contains("--target-device device=titanx_1 is a source device"), source.err());
        CliRun noP10 = nas("meta-adapt --target-device device=titan_rtx_1 --statistic p10");
        assertEquals(2, noP10.code());
        assertTrue(noP10.err().contains("device=titan_rtx_1 has no p10_ms"), noP10.err());
        CliRun p90 = nas("meta-adapt --target-device device=titan_rtx_1 --statistic p90");
        assertEquals(2, p90.code());
        assertTrue(p90.err().contains("--statistic p90 does not apply to latency (median or p10)"), p90.err());

        // This machine as a new device, at two batch sizes: two protocols of one device label.
        for (int batch : new int[] {1, 2}) {
            CliRun measure = nas("measure-latency --space nb201 --limit 16 --batch " + batch
                    + " --warmup 1 --repeats 3 --interleave 1 --device this-cpu");
            assertEquals(0, measure.code(), measure.err());
        }
        CliRun which = nas("meta-adapt --target-device this-cpu");
        assertEquals(2, which.code());
        assertTrue(which.err().contains("device this-cpu has pairs of more than one protocol"), which.err());
        String protocol = spark.sql("SELECT protocol FROM " + table("latency")
                + " WHERE device = 'this-cpu' ORDER BY protocol").first().getString(0);
        CliRun own = nas("meta-adapt --target-device this-cpu --target-protocol " + protocol
                + " --statistic p10 --shots 10");
        assertEquals(0, own.code(), own.err());
        assertTrue(own.out().contains("this-cpu (p10), 10 shots") && own.out().contains("judged on the other 6 pairs"),
                own.out());
        Row ownRow = spark.sql("SELECT grp, split FROM " + table("predictors")
                + " WHERE grp LIKE 'device=this-cpu,%' AND model = 'maml'").first();
        assertEquals("device=this-cpu,protocol=" + protocol, ownRow.getString(0));
        assertTrue(ownRow.getString(1).contains("statistic=p10"), ownRow.getString(1));
    }
}
