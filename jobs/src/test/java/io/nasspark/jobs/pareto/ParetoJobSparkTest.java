package io.nasspark.jobs.pareto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.pareto.FrontAnalysis;
import io.nasspark.pareto.Hypervolume;
import io.nasspark.pareto.ParetoRanking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * pareto over a Parquet input of four files (so the pruning pass sees several partitions) with
 * ties, duplicates, NaN and null objectives and a group with no complete row: ranks equal the
 * O(n²) sort's, and the summary's hypervolume, knee and budget equal ones computed here.
 */
class ParetoJobSparkTest extends SparkTestBase {

    @TempDir
    static Path tmp;

    /** Per device: the complete rows' (latency, -top1) by id. */
    private static final Map<String, Map<String, double[]>> POINTS = new HashMap<>();

    private static CliRun nas(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--tables", WAREHOUSE.toString()));
        return CliRun.nas(all.toArray(String[]::new));
    }

    @BeforeAll
    static void writeInput() {
        drop();
        SplittableRandom rng = new SplittableRandom(8);
        List<Row> rows = new ArrayList<>();
        for (String device : List.of("a", "b")) {
            Map<String, double[]> points = new HashMap<>();
            for (int i = 0; i < 400; i++) {
                String id = "c" + i;
                // Coarse values: many ties; b shares most candidates with a, slightly shifted.
                double latency = 1 + rng.nextInt(30) / 2.0 + (device.equals("b") ? (i % 3) * 0.5 : 0);
                double top1 = 50 + rng.nextInt(40);
                Double lat = i % 50 == 7 ? null : i % 50 == 9 ? Double.NaN : latency;
                rows.add(RowFactory.create(id, device, lat, top1));
                if (lat != null && !lat.isNaN()) {
                    points.put(id, new double[] {latency, -top1});
                }
            }
            POINTS.put(device, points);
        }
        rows.add(RowFactory.create("d0", "empty", Double.NaN, 70.0));
        StructType schema = new StructType().add("id", DataTypes.StringType).add("device", DataTypes.StringType)
                .add("latency_ms", DataTypes.DoubleType).add("top1", DataTypes.DoubleType);
        spark.createDataFrame(rows, schema).repartition(4).write().parquet(tmp.resolve("input").toString());
    }

    /**
     * 50,000: each partition ranks all its rows at once; 40: buffers cut to their fronts, whose
     * last front then drops later rows; 1: fronts always fill the buffer, so they are passed on.
     */
    @ParameterizedTest
    @ValueSource(ints = {50_000, 40, 1})
    void ranksHypervolumeKneeAndBudgetsEqualTheBruteForceOnes(int bufferRows) {
        CliRun r = nas("pareto", "--buffer-rows", Integer.toString(bufferRows), "--input", tmp.resolve("input").toString(), "--objectives", "latency_ms:min,top1:max",
                "--group-by", "device", "--fronts", "2", "--budget", "latency_ms<=5", "--name", "t", "--across", "device");
        assertEquals(0, r.code(), r.err());
        for (String device : List.of("a", "b")) {
            Map<String, double[]> points = POINTS.get(device);
            List<String> ids = new ArrayList<>(points.keySet());
            double[][] maximised = ids.stream().map(id -> new double[] {-points.get(id)[0], -points.get(id)[1]})
                    .toArray(double[][]::new);
            int[] ranks = ParetoRanking.fronts(maximised);
            Map<String, Integer> expected = new HashMap<>();
            List<double[]> front = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (ranks[i] <= 2) {
                    expected.put(ids.get(i), ranks[i]);
                }
                if (ranks[i] == 1) {
                    front.add(points.get(ids.get(i)));
                }
            }
            Map<String, Integer> stored = new HashMap<>();
            spark.sql("SELECT id, front_rank FROM pareto WHERE analysis = 't' AND grp = 'device=" + device + "'"
                    + " AND front_rank > 0").collectAsList().forEach(row -> stored.put(row.getString(0), row.getInt(1)));
            assertEquals(expected, stored, device);
            assertEquals(points.size(), spark.sql("SELECT DISTINCT id FROM pareto WHERE analysis = 't' AND grp ="
                    + " 'device=" + device + "'").count(), "fewer complete rows than --plot-sample: all are kept");

            Row s = spark.sql("SELECT input_rows, excluded_rows, front_size, hypervolume, knee, budgets, status FROM"
                    + " pareto_summary WHERE analysis = 't' AND grp = 'device=" + device + "'").first();
            assertEquals(400L, s.getLong(0));
            assertEquals(16L, s.getLong(1), "8 null and 8 NaN latencies");
            assertEquals(front.size(), s.getInt(2));
            assertEquals(Hypervolume.of(front, FrontAnalysis.derivedReference(front)), s.getDouble(3), 1e-9);
            List<double[]> lex = sorted(front);
            double[] knee = lex.get(FrontAnalysis.knee(lex));
            assertEquals(knee[0], s.<String, Double>getJavaMap(4).get("latency_ms"), 0);
            double best = points.values().stream().filter(p -> p[0] <= 5).mapToDouble(p -> -p[1]).max().orElseThrow();
            assertEquals("latency_ms<=5: best top1 " + String.format(java.util.Locale.ROOT, "%.6g", best),
                    s.getList(5).get(0));
            assertEquals("ok", s.getString(6));
        }
        Row empty = spark.sql("SELECT input_rows, excluded_rows, front_size, status FROM pareto_summary"
                + " WHERE analysis = 't' AND grp = 'device=empty'").first();
        assertEquals("[1,1,0,empty]", empty.toString());
        assertTrue(r.out().contains("First fronts across device"), r.out());
    }

    /**
     * The plot sample (rank 0) is the 25 complete rows with the smallest id hash, less those on
     * the kept fronts, whether the partitions rank their rows at once or cut them many times.
     */
    @ParameterizedTest
    @ValueSource(ints = {50_000, 40})
    void thePlotSampleIsTheSmallestIdHashesWhateverTheCuts(int bufferRows) {
        String name = "sample" + bufferRows;
        CliRun r = nas("pareto", "--buffer-rows", Integer.toString(bufferRows), "--input",
                tmp.resolve("input").toString(), "--objectives", "latency_ms:min,top1:max", "--group-by", "device",
                "--fronts", "1", "--plot-sample", "25", "--name", name);
        assertEquals(0, r.code(), r.err());
        List<String> bottom = POINTS.get("a").keySet().stream()
                .sorted(java.util.Comparator.<String>comparingLong(FrontsFn::hash)).limit(25).toList();
        java.util.Set<String> front = new java.util.HashSet<>(spark.sql("SELECT id FROM pareto WHERE analysis = '"
                + name + "' AND grp = 'device=a' AND front_rank = 1").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList());
        List<String> sampled = spark.sql("SELECT id FROM pareto WHERE analysis = '" + name + "' AND grp = 'device=a'"
                + " AND front_rank = 0").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(bottom.stream().filter(id -> !front.contains(id)).sorted().toList(),
                sampled.stream().sorted().toList());
        assertTrue(!front.isEmpty() && sampled.size() >= 25 - front.size(), sampled + " " + front);
    }

    /**
     * A plain Parquet input is read as column batches, a filtered one as rows: both give the same
     * rows, ranks, crowding distances, sample and summaries, with the buffer cut many times too.
     */
    @ParameterizedTest
    @ValueSource(ints = {50_000, 40})
    void columnBatchesAndRowsGiveTheSameAnalysis(int bufferRows) {
        String input = tmp.resolve("input").toString();
        CliRun batches = nas("pareto", "--buffer-rows", Integer.toString(bufferRows), "--input", input, "--objectives",
                "latency_ms:min,top1:max", "--group-by", "device", "--plot-sample", "30", "--name", "batches");
        CliRun rows = nas("pareto", "--buffer-rows", Integer.toString(bufferRows), "--input", input, "--objectives",
                "latency_ms:min,top1:max", "--group-by", "device", "--plot-sample", "30", "--name", "rows",
                "--where", "length(id) > 0");
        assertEquals(0, batches.code(), batches.err());
        assertEquals(0, rows.code(), rows.err());
        assertTrue(batches.out().contains("over Parquet column batches"), batches.out());
        assertTrue(rows.out().contains("over rows"), rows.out());
        for (String query : List.of(
                "SELECT grp, id, front_rank, crowding_distance, objective_values['latency_ms'], objective_values['top1']"
                        + " FROM pareto WHERE analysis = '%s' ORDER BY grp, id",
                "SELECT grp, input_rows, excluded_rows, front_size, hypervolume, knee_id, status FROM pareto_summary"
                        + " WHERE analysis = '%s' ORDER BY grp")) {
            List<String> a = spark.sql(String.format(query, "batches")).collectAsList().stream().map(Row::toString)
                    .toList();
            assertEquals(a, spark.sql(String.format(query, "rows")).collectAsList().stream().map(Row::toString)
                    .toList());
            assertTrue(a.size() >= 3, a.toString());
        }
    }

    @Test
    void noPlotSampleWritesOnlyTheFronts() {
        CliRun r = nas("pareto", "--input", tmp.resolve("input").toString(), "--objectives", "latency_ms:min,top1:max",
                "--plot-sample", "0", "--name", "nosample");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, spark.sql("SELECT * FROM pareto WHERE analysis = 'nosample' AND front_rank = 0").count());
        assertTrue(spark.sql("SELECT * FROM pareto WHERE analysis = 'nosample' AND front_rank = 1").count() > 0);
    }

    /** The front in the order the job sees it (lexicographic), so knee ties break the same way. */
    private static List<double[]> sorted(List<double[]> front) {
        List<double[]> s = new ArrayList<>(front);
        s.sort(io.nasspark.pareto.StreamingFronts::compare);
        return s;
    }

    @Test
    void aRerunReplacesTheAnalysisAndThreeObjectivesWork() {
        CliRun r = nas("pareto", "--input", tmp.resolve("input").toString(), "--objectives",
                "latency_ms:min,top1:max,latency_ms:max", "--name", "three");
        assertEquals(0, r.code(), r.err());
        CliRun again = nas("pareto", "--input", tmp.resolve("input").toString(), "--objectives",
                "latency_ms:min,top1:max", "--name", "three", "--fronts", "1", "--plot-sample", "10", "--where",
                "device = 'a'");
        assertEquals(0, again.code(), again.err());
        assertEquals(0, spark.sql("SELECT * FROM pareto WHERE analysis = 'three' AND front_rank > 1").count(),
                "the first run's rank 2 and 3 rows are gone");
        long sampled = spark.sql("SELECT * FROM pareto WHERE analysis = 'three' AND front_rank = 0").count();
        assertTrue(sampled <= 10 && sampled >= 10 - spark.sql("SELECT * FROM pareto WHERE analysis = 'three'"
                + " AND front_rank = 1").count(), "a sample of 10, less the ones on the front: " + sampled);
    }

    @Test
    void theReportHasAPlotPerGroupWithTheFrontDrawnAndItsMembersListed() throws Exception {
        assertEquals(0, nas("pareto", "--input", tmp.resolve("input").toString(), "--objectives",
                "latency_ms:min,top1:max", "--group-by", "device", "--budget", "latency_ms<=5", "--name", "r").code());
        Path out = tmp.resolve("report");
        CliRun r = nas("report", "--out", out.toString(), "--analysis", "r");
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out.resolve("index.html"));
        for (String grp : List.of("device=a", "device=b", "device=empty")) {
            assertTrue(html.contains("r &middot; " + grp), grp);
        }
        assertTrue(html.contains("No row of this group had every objective"), "the empty group says so");
        assertTrue(html.contains("latency_ms&lt;=5: best top1"), "budget answers listed");
        for (String plot : List.of("plot-000", "plot-001")) {
            java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve(plot + ".png").toFile());
            assertEquals(900, png.getWidth());
            int red = 0;
            for (int x = 0; x < png.getWidth(); x++) {
                for (int y = 0; y < png.getHeight(); y++) {
                    red += png.getRGB(x, y) == new java.awt.Color(214, 39, 40).getRGB() ? 1 : 0;
                }
            }
            assertTrue(red > 100, plot + ": the first front is drawn in red, " + red + " pixels");
            assertTrue(Files.readString(out.resolve(plot + ".svg")).contains("<svg"), plot + ".svg");
        }
    }

    @Test
    void fromTheTablesLatencyAndAccuracyJoinOnTheCandidate() throws Exception {
        // Three cells measured on two devices, accuracy on one task: c dominates a on cpu only.
        Path csv = tmp.resolve("both.csv");
        Files.write(csv, List.of("arch,hw,ms,acc",
                "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|,cpu,9.0,90",
                "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|,gpu,1.0,90",
                "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|,cpu,1.0,60",
                "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|,gpu,1.0,60",
                "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|,cpu,2.0,95",
                "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|,gpu,3.0,95"));
        assertEquals(0, nas("import-table", "--input", csv.toString(), "--space", "nb201", "--latency-column", "ms",
                "--group-columns", "hw").code());
        assertEquals(0, nas("import-table", "--input", csv.toString(), "--space", "nb201", "--accuracy-column", "acc")
                .code());
        CliRun r = nas("pareto", "--from-tables", "--objectives", "latency_ms:min,top1:max", "--group-by", "device",
                "--where", "device IS NOT NULL", "--name", "tables", "--across", "device");
        assertEquals(0, r.code(), r.err());
        List<String> fronts = spark.sql("SELECT grp, count(*) FROM pareto WHERE analysis = 'tables' AND front_rank = 1"
                + " GROUP BY grp ORDER BY grp").collectAsList().stream().map(Row::toString).toList();
        assertTrue(fronts.get(0).startsWith("[device=hw=cpu,2]") && fronts.get(1).startsWith("[device=hw=gpu,2]"),
                fronts.toString());
        assertTrue(r.out().contains("stays"), r.out());
    }

    @Test
    void aMissingOrNonNumericObjectiveIsNamedWithTheColumns() throws Exception {
        Path csv = tmp.resolve("bad.csv");
        Files.write(csv, List.of("arch,latency_ms,device", "x,1.0,cpu", "y,2.0,cpu"));
        CliRun missing = nas("pareto", "--input", csv.toString(), "--objectives", "latency_ms:min,top1:max");
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("objective column top1 is not in the input; its columns are [arch,"
                + " latency_ms, device]"), missing.err());
        CliRun text = nas("pareto", "--input", csv.toString(), "--objectives", "latency_ms:min,device:max");
        assertEquals(2, text.code(), text.err());
        assertTrue(text.err().contains("objective column device is string, not numeric"), text.err());
    }
}
