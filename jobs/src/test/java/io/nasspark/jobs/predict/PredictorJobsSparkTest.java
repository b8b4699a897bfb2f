package io.nasspark.jobs.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.space.Candidate;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train-predictor and predict over a latency table imported from a file the test writes: two
 * devices whose latency is a fixed function of each network's parameters and FLOPs, so the
 * expected quality does not depend on timing noise.
 */
class PredictorJobsSparkTest extends SparkTestBase {

    @TempDir
    static Path tmp;

    /** The latencies written for device a and device b, candidate by candidate. */
    private static final double[][] WRITTEN = new double[2][200];

    @BeforeAll
    static void importTwoDevices() throws Exception {
        drop();
        SearchSpace nb201 = SearchSpaces.byName("nb201");
        CandidateSampler sampler = new CandidateSampler(nb201, 21);
        List<String> lines = new ArrayList<>(List.of("arch,hw,ms"));
        for (long i = 0; i < 200; i++) {
            Candidate c = sampler.at(i);
            var cost = CostModel.of(nb201.network(c, 32, 10), FeatureShape.image(3, 32));
            double a = 0.8 + cost.params() / 2e5 + Math.sqrt(cost.flops() / 1e6) / 10;
            // Device b is slow at pooling (a learnable term a does not have), so the orders differ.
            double b = 2.0 + cost.flops() / 5e7 + 0.4 * nb201.format(c).split("avg_pool_3x3", -1).length;
            WRITTEN[0][(int) i] = Double.parseDouble(String.format(Locale.ROOT, "%.5f", a));
            WRITTEN[1][(int) i] = Double.parseDouble(String.format(Locale.ROOT, "%.5f", b));
            lines.add(String.format(Locale.ROOT, "%s,a,%.5f", nb201.format(c), a));
            lines.add(String.format(Locale.ROOT, "%s,b,%.5f", nb201.format(c), b));
        }
        Path csv = tmp.resolve("latency.csv");
        Files.write(csv, lines);
        CliRun r = nas("import-table --input " + csv + " --space nb201 --latency-column ms --group-columns hw");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void trainsOnePredictorPerDeviceJudgesItOnUnseenRowsAndAppliesIt() {
        CliRun mlp = nas("train-predictor --target latency --model mlp --train-size 150 --seed 1");
        assertEquals(0, mlp.code(), mlp.err());
        List<Row> stored = spark.sql("SELECT predictor_id, grp, train_rows, test_rows, kendall_tau, within_10pct, path"
                + " FROM " + IcebergCatalog.qualified("predictors") + " WHERE model = 'mlp' ORDER BY grp").collectAsList();
        assertEquals(2, stored.size(), mlp.out());
        for (Row p : stored) {
            assertEquals(150L, p.getLong(2));
            assertEquals(50L, p.getLong(3));
            assertTrue(p.getDouble(4) > 0.8, "tau " + p);
            assertTrue(Files.isRegularFile(Path.of(p.getString(6), "predictor.properties")));
        }
        assertTrue(mlp.out().contains("hw=a") && mlp.out().contains("hw=b"), mlp.out());

        CliRun again = nas("train-predictor --target latency --model mlp --train-size 150 --seed 1");
        assertEquals(2, again.out().split("\\(stored\\)", -1).length - 1, "a re-run trains nothing: " + again.out());

        String id = stored.get(0).getString(0);
        CliRun predict = nas("predict --predictor " + id.substring(0, 10) + " --space nb201");
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("over 200 candidates of nb201: 150 new rows in predictions"), predict.out());
        assertEquals(200L, spark.sql("SELECT count(DISTINCT id) FROM " + IcebergCatalog.qualified("predictions")
                + " WHERE predictor_id = '" + id + "' AND predicted > 0").first().getLong(0));

        CliRun wrongSpace = nas("predict --predictor " + id + " --space mbconv-small");
        assertEquals(2, wrongSpace.code());
        assertTrue(wrongSpace.err().contains("is for space nb201 v1, not for mbconv-small"), wrongSpace.err());
    }

    @Test
    void theMllibBaselineTrainsAndPredictsByBroadcast() {
        CliRun gbt = nas("train-predictor --target latency --model gbt --trees 20 --train-fraction 0.5 --seed 2 --group device=hw=b");
        assertEquals(0, gbt.code(), gbt.err());
        Row p = spark.sql("SELECT predictor_id, test_rows, spearman_rho, split FROM " + IcebergCatalog.qualified("predictors")
                + " WHERE model = 'gbt'").first();
        assertEquals(100L, p.getLong(1));
        assertTrue(p.getString(3).contains(",trees=20"), "the rounds are part of the predictor's key: " + p);
        assertTrue(p.getDouble(2) > 0.5, gbt.out());
        CliRun predict = nas("predict --predictor " + p.getString(0));
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("100 new rows in predictions"), predict.out());
    }

    @Test
    void devicesAreComparedOverTheirSharedCandidates() {
        CliRun r = nas("compare-devices --space nb201");
        assertEquals(0, r.code(), r.err());
        String line = r.out().lines().filter(l -> l.startsWith("hw=a")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        String[] cells = line.trim().split("\\s{2,}");
        assertTrue(cells[1].startsWith("hw=b"), line);
        assertEquals("200", cells[2], line);
        double expected = new org.apache.commons.math3.stat.correlation.KendallsCorrelation()
                .correlation(WRITTEN[0], WRITTEN[1]);
        assertTrue(expected > 0.3 && expected < 1, "the test's devices are related, not identical: " + expected);
        assertEquals(Math.round(expected * 1e4) / 1e4, Double.parseDouble(cells[3]), 1e-9, line);
    }

    @Test
    void theTenthPercentileIsLearnedWhenAsked() {
        String table = IcebergCatalog.qualified("latency");
        CliRun missing = nas("train-predictor --target latency --statistic p10 --model lut --train-size 150 --seed 3");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("has no p10_ms (imported latency rows carry only a median)"), missing.err());
        CliRun accuracy = nas("train-predictor --target accuracy --statistic p10 --model lut --train-size 150");
        assertEquals(2, accuracy.code());
        assertTrue(accuracy.err().contains("--statistic p10 does not apply to accuracy"), accuracy.err());

        spark.sql("UPDATE " + table + " SET p10_ms = 0.9 * median_ms");
        try {
            String common = " --model lut --train-size 150 --seed 3 --group device=hw=a";
            assertEquals(0, nas("train-predictor --target latency" + common).code());
            CliRun p10 = nas("train-predictor --target latency --statistic p10" + common);
            assertEquals(0, p10.code(), p10.err());
            assertTrue(p10.out().contains("lut for latency (p10)"), p10.out());
            List<Row> predicted = spark.sql("SELECT p.split LIKE '%statistic=p10%', avg(q.predicted) FROM "
                    + IcebergCatalog.qualified("predictors") + " p JOIN " + IcebergCatalog.qualified("predictions")
                    + " q ON p.predictor_id = q.predictor_id WHERE p.model = 'lut' AND p.seed = 3"
                    + " GROUP BY 1 ORDER BY 1").collectAsList();
            assertEquals(2, predicted.size(), "two predictors, two ids: " + predicted);
            // On logarithms a lookup table shifts its intercept: the same fit, 0.9 times lower.
            assertEquals(0.9, predicted.get(1).getDouble(1) / predicted.get(0).getDouble(1), 0.01, predicted.toString());
        } finally {
            spark.sql("UPDATE " + table + " SET p10_ms = NULL");
        }
    }

    @Test
    void splitsThatCannotWorkAreBadInput() {
        CliRun tooMany = nas("train-predictor --target latency --model lut --train-size 500 --seed 1");
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("has only 200 rows; training on 500"), tooMany.err());
        CliRun trees = nas("train-predictor --target latency --model lut --trees 5 --train-size 100");
        assertEquals(2, trees.code());
        assertTrue(trees.err().contains("--trees applies to --model gbt only, not lut"), trees.err());
        CliRun both = nas("train-predictor --target latency --model lut --seed 1");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("give one of --train-size and --train-fraction"), both.err());
        CliRun group = nas("train-predictor --target latency --model lut --train-size 5 --group task=x");
        assertEquals(2, group.code());
        assertTrue(group.err().contains("--group task is not a group column of latency"), group.err());
        CliRun unknown = nas("predict --predictor ffff0000");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no predictor ffff0000"), unknown.err());
    }
}
