package io.nasspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.NasProcess;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.schema.Tables;
import io.nasspark.train.Proxies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * score, train-accuracy and proxy-study end to end on real Fashion-MNIST images (the first few
 * hundred, at 16 px): the same losses on local[1] as on local[2], proxies that follow from the
 * stored losses, re-runs that add nothing, divergence recorded as a row, and bad input refused.
 */
class TrainingJobsSparkTest extends SparkTestBase {

    private static final String SCORE = "score --space nb201 --input-size 16 --limit-images 128 --batch 32"
            + " --commit-every 2";

    @TempDir
    Path tmp;

    @BeforeEach
    void emptyTables() {
        drop();
    }

    @Test
    void scoresAreReproducibleAcrossMastersFollowFromTheLossesAndAreWrittenOnce() throws Exception {
        assertEquals(0, nas("sample --space nb201 --count 3 --input-size 16 --seed 2").code());
        CliRun first = nas(SCORE);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("3 candidates, 0 already in training_runs, 3 evaluated (3 ok, 0 failed)"),
                first.out());

        List<Row> losses = spark.sql("SELECT id, epoch, batch, loss FROM " + table("batch_losses")
                + " ORDER BY id, epoch, batch").collectAsList();
        assertEquals(3 * 3 * 4, losses.size(), "3 candidates x 3 epochs x 4 batches of 32");
        Map<String, Double> bte = new HashMap<>();
        spark.sql("SELECT id, value FROM " + table("proxy_scores") + " WHERE proxy = 'bte'").collectAsList()
                .forEach(r -> bte.put(r.getString(0), r.getDouble(1)));
        assertEquals(3, bte.size());
        for (String id : bte.keySet()) {
            float[][] l = new float[3][4];
            losses.stream().filter(r -> r.getString(0).equals(id))
                    .forEach(r -> l[r.getInt(1) - 1][r.getInt(2)] = (float) r.getDouble(3));
            assertEquals(Proxies.bte(l), bte.get(id), 1e-9, "stored BTE is Definition 4.1 over the stored losses");
        }
        assertEquals(5, spark.sql("SELECT DISTINCT proxy FROM " + table("proxy_scores")).count());
        Row tse = spark.sql("SELECT value, score FROM " + table("proxy_scores") + " WHERE proxy = 'tse' LIMIT 1").first();
        assertEquals(-tse.getDouble(0), tse.getDouble(1), 0, "lower TSE predicts higher accuracy");

        CliRun again = nas(SCORE);
        assertTrue(again.out().contains("3 already in training_runs, 0 evaluated"), again.out());
        assertEquals(36, spark.sql("SELECT * FROM " + table("batch_losses")).count());

        // The same work on local[1] in a JVM of its own, on the same candidates: the same loss in every batch.
        drop(Tables.TRAINING_RUNS, Tables.BATCH_LOSSES, Tables.PROXY_SCORES);
        NasProcess child = new NasProcess(tmp, "local[1]", 300);
        List<String> args = new java.util.ArrayList<>(List.of(SCORE.split(" ")));
        args.addAll(List.of("--tables", WAREHOUSE.toString()));
        Process score = child.run(args.toArray(String[]::new));
        assertEquals(0, score.exitValue(), Files.readString(tmp.resolve("score.err")));
        spark.sql("REFRESH TABLE " + table("batch_losses"));
        List<Row> local1 = spark.sql("SELECT id, epoch, batch, loss FROM " + table("batch_losses")
                + " ORDER BY id, epoch, batch").collectAsList();
        assertEquals(losses.size(), local1.size(), local1.toString());
        for (int i = 0; i < losses.size(); i++) {
            Row r = losses.get(i);
            Row c = local1.get(i);
            assertEquals(r.getString(0) + "," + r.getInt(1) + "," + r.getInt(2), c.getString(0) + "," + c.getInt(1)
                    + "," + c.getInt(2));
            assertEquals(r.getDouble(3), c.getDouble(3), 0, "local[1] and local[2] losses differ at " + c);
        }
    }

    @Test
    void divergenceIsARowAndTheJobGoesOn() throws Exception {
        assertEquals(0, nas("sample --space nb201 --count 2 --input-size 16 --seed 3").code());
        // The dataset through the Hadoop client, as executors read hdfs:// or s3a:// paths.
        Path copy = Files.createDirectories(tmp.resolve("fm"));
        try (var files = Files.list(io.nasspark.data.Datasets.FASHION_MNIST)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        String uri = copy.toUri().toString();
        CliRun wild = nas(SCORE + " --lr 1e12 --schedule constant --dataset " + uri);
        assertEquals(0, wild.code(), wild.err());
        assertTrue(wild.out().contains("2 diverged"), wild.out());
        List<Row> runs = spark.sql("SELECT status, diverged_epoch, error FROM " + table("training_runs"))
                .collectAsList();
        for (Row r : runs) {
            assertEquals(Tables.DIVERGED, r.getString(0));
            assertTrue(r.getInt(1) >= 1 && r.getInt(1) <= 3);
            assertTrue(r.getString(2).contains("diverged: loss"), r.getString(2));
        }
        assertEquals(0, spark.sql("SELECT * FROM " + table("proxy_scores") + " WHERE proxy IN ('bte', 'tse')").count(),
                "no training proxy from a diverged run");
        assertEquals(uri, spark.sql("SELECT DISTINCT task FROM " + table("training_runs")).first().getString(0));
        CliRun again = nas(SCORE + " --lr 1e12 --schedule constant --retry-failed --dataset " + uri);
        assertTrue(again.out().contains("0 evaluated"), "diverged is a result, not a failure: " + again.out());
    }

    @Test
    void accuracyAndTheStudyTableFollowTheScores() {
        assertEquals(0, nas("sample --space nb201 --count 4 --input-size 16 --seed 5").code());
        assertEquals(0, nas(SCORE + " --proxies bte,tse,params").code());
        CliRun acc = nas("train-accuracy --space nb201 --input-size 16 --limit-images 128 --batch 32 --epochs 2"
                + " --test-images 200");
        assertEquals(0, acc.code(), acc.err());
        assertTrue(acc.out().contains("4 evaluated (4 ok, 0 failed)") && acc.out().contains("top-1 mean"), acc.out());
        List<Row> top = spark.sql("SELECT top1, top5, recipe FROM " + table("accuracy")).collectAsList();
        assertEquals(4, top.size());
        for (Row r : top) {
            assertTrue(r.getDouble(0) > 10 && r.getDouble(0) <= r.getDouble(1) && r.getDouble(1) <= 100, r.toString());
            assertTrue(r.getString(2).endsWith("-shuffled-s0-t200"), r.getString(2));
        }
        CliRun study = nas("proxy-study --resamples 100");
        assertEquals(0, study.code(), study.err());
        assertTrue(study.out().contains("Kendall tau [95 % CI]") && study.out().contains("space=nb201,task=fashion-mnist"),
                study.out());
        Map<String, Row> byProxy = new TreeMap<>();
        spark.sql("SELECT proxy, candidates, kendall_tau, tau_low, tau_high FROM " + table("proxy_study"))
                .collectAsList().forEach(r -> byProxy.put(r.getString(0), r));
        assertEquals(List.of("bte", "params", "tse"), List.copyOf(byProxy.keySet()));
        for (Row r : byProxy.values()) {
            assertEquals(4L, r.getLong(1));
            assertTrue(r.getDouble(3) <= r.getDouble(2) && r.getDouble(2) <= r.getDouble(4), r.toString());
        }
        assertEquals(0, nas("proxy-study --resamples 100").code());
        assertEquals(3, spark.sql("SELECT * FROM " + table("proxy_study")).count(), "a re-run replaces its rows");
    }

    @Test
    void trainFirstThenMergeKeepsTheAccuracy() {
        assertEquals(0, nas("sample --space graft:resnet-small --count 2 --input-size 16 --seed 3").code());
        CliRun acc = nas("train-accuracy --space graft:resnet-small --input-size 16 --limit-images 256 --batch 32"
                + " --epochs 1 --test-images 200 --merge");
        assertEquals(0, acc.code(), acc.err());
        assertTrue(acc.out().contains("2 evaluated (2 ok, 0 failed)"), acc.out());
        assertTrue(acc.out().contains("same top-1 for"), acc.out());
        List<Row> rows = spark.sql("SELECT t.top1, m.top1, m.source FROM " + table("accuracy") + " t JOIN "
                + table("accuracy") + " m ON t.id = m.id AND m.recipe = concat(t.recipe, '+merged')").collectAsList();
        assertEquals(2, rows.size());
        for (Row r : rows) {
            assertTrue(r.getDouble(0) > 10, "trained at all: " + r);
            // same network up to float rounding: at most one of 200 test images may flip
            assertTrue(Math.abs(r.getDouble(0) - r.getDouble(1)) <= 0.5, r.toString());
            assertEquals("trained, then merged", r.getString(2));
        }
        CliRun again = nas("train-accuracy --space graft:resnet-small --input-size 16 --limit-images 256 --batch 32"
                + " --epochs 1 --test-images 200 --merge");
        assertTrue(again.out().contains("0 evaluated"), again.out());
        assertEquals(4, spark.sql("SELECT * FROM " + table("accuracy")).count());
    }

    @Test
    void hybridElasticTrainingThenTheDeepToShallowTransformKeepsTheAccuracyAndIsTimedAsDeployed() {
        String select = "--space mbconv-mini-hybrid --input-size 16";
        assertEquals(0, nas("sample " + select + " --count 1 --seed 4").code());
        CliRun acc = nas("train-accuracy " + select + " --limit-images 64 --batch 32 --epochs 1 --test-images 100"
                + " --linearize gradual --fade-share 0.5 --merge --elastic 12-16 --judge-sizes 12,16");
        assertEquals(0, acc.code(), acc.err());
        assertTrue(acc.out().contains("1 evaluated (1 ok, 0 failed)") && acc.out().contains("same top-1 for 1 of 1"),
                acc.out());
        List<Row> rows = spark.sql("SELECT input_size, recipe, status, source FROM " + table("accuracy")
                + " ORDER BY input_size, recipe").collectAsList();
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(12, rows.get(0).getInt(0), "judged at 12 px: " + rows);
        for (Row r : rows) {
            assertTrue(r.getString(1).contains("-e1-b32-n64-shuffled-s0-lin-gradual0.50-elastic12-16"), r.toString());
            assertEquals("ok", r.getString(2), "the transform passed its equivalence check: " + r);
        }
        assertTrue(rows.get(2).getString(1).endsWith("+merged"), rows.toString());
        CliRun deployed = nas("measure-latency " + select + " --transformed --repeats 3 --warmup 1 --interleave 1");
        assertEquals(0, deployed.code(), deployed.err());
        assertEquals(1, spark.sql("SELECT * FROM " + table("latency") + " WHERE status = 'ok' AND protocol ="
                + " 'b1-w1-r3-t1+merged'").count(), deployed.out());
        CliRun refused = nas("train-accuracy --space mbconv-mini --input-size 16 --epochs 1 --linearize gradual");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("--linearize gradual needs a hybrid space's candidates"), refused.err());
        CliRun backwards = nas("train-accuracy " + select + " --epochs 1 --elastic 16-12");
        assertEquals(2, backwards.code());
        assertTrue(backwards.err().contains("--elastic MIN-MAX needs 8 ≤ MIN < MAX, got 16-12"), backwards.err());
        CliRun outside = nas("train-accuracy " + select + " --epochs 1 --elastic 12-16 --judge-sizes 20");
        assertEquals(2, outside.code());
        assertTrue(outside.err().contains("--judge-sizes 20 is outside the elastic range 12-16"), outside.err());
    }

    @Test
    void badInputIsRefusedWithTheReason() throws Exception {
        assertEquals(0, nas("sample --space nb201 --count 1 --input-size 16 --seed 6").code());
        CliRun missing = nas(SCORE + " --dataset " + tmp.resolve("nowhere"));
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains(tmp.resolve("nowhere").toString()), missing.err());
        Path junk = Files.createDirectories(tmp.resolve("junk"));
        Files.writeString(junk.resolve("train-images-idx3-ubyte"), "not idx");
        Files.writeString(junk.resolve("train-labels-idx1-ubyte"), "not idx");
        CliRun bad = nas(SCORE + " --dataset " + junk);
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("train-images-idx3-ubyte"), bad.err());
        CliRun small = nas("score --space nb201 --input-size 16 --limit-images 20 --batch 32");
        assertNotEquals(0, small.code());
        assertTrue(small.err().contains("fewer than one batch of 32"), small.err());
        CliRun proxy = nas(SCORE + " --proxies bte,synflow");
        assertNotEquals(0, proxy.code());
        assertTrue(proxy.err().contains("unknown proxy 'synflow'"), proxy.err());
        CliRun noStudy = nas("proxy-study");
        assertNotEquals(0, noStudy.code());
        assertTrue(noStudy.err().contains("run score first") || noStudy.err().contains("run train-accuracy first"),
                noStudy.err());
        assertTrue(!new io.nasspark.schema.TableStore(spark).exists(Tables.TRAINING_RUNS),
                "nothing written by refused runs");
    }
}
