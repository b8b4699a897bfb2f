package io.nasspark.jobs.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.graft.GraftSpace;
import io.nasspark.compress.Equivalence;
import io.nasspark.compress.LinearMerge;
import io.nasspark.jobs.contract.StoredCandidates;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * reparameterize end to end on the shared session: grafted ResNet candidates merged, checked
 * and measured three ways, the latencies landing in latency with their relation, and a re-run
 * adding nothing.
 */
class ReparameterizeJobSparkTest extends SparkTestBase {

    private static final String QUICK = "--warmup 1 --repeats 3";

    @BeforeEach
    void emptyTables() {
        drop();
    }

    @Test
    void mergesMeasuresAndRecordsTheRelationOnce() {
        assertEquals(0, nas("sample --space graft:resnet-small --count 3 --seed 2 --input-size 16").code());
        CliRun first = nas("reparameterize --space graft:resnet-small " + QUICK);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("3 candidates, 0 already in reparameterizations, 3 evaluated (3 ok, 0 failed)"),
                first.out());
        assertTrue(first.out().contains("Spearman rho(grafted blocks, speed-up)"), first.out());

        List<Row> rows = spark.sql("SELECT * FROM " + table("reparameterizations")).collectAsList();
        assertEquals(3, rows.size());
        GraftSpace space = (GraftSpace) SearchSpaces.byName("graft:resnet-small");
        String baseId = space.id(space.original());
        for (Row r : rows) {
            assertEquals("ok", r.getAs("status"), String.valueOf(r.<String>getAs("error")));
            assertEquals(baseId, r.getAs("base_id"));
            long grafted = r.<Integer>getAs("grafted_blocks");
            assertEquals(grafted, r.<String>getAs("arch").chars().filter(ch -> ch == '0').count());
            double relative = r.<Double>getAs("largest_error") / Math.max(1, r.<Double>getAs("largest_output"));
            assertTrue(relative < 1e-4, "merged output differs: " + relative);
            assertTrue(r.<Integer>getAs("linear_after") < r.<Integer>getAs("linear_before"));
            assertEquals(null, r.<String>getAs("refusals"));
            double ratio = r.<Double>getAs("original_ms") / r.<Double>getAs("merged_ms");
            assertEquals(ratio, r.<Double>getAs("speedup"), 1e-9);
        }
        // the original once, each candidate as grafted and as merged
        assertEquals(7L, spark.sql("SELECT * FROM " + table("latency")).count());
        assertEquals(3L, spark.sql("SELECT * FROM " + table("latency") + " WHERE protocol = 'b1-w1-r3-t1+merged'")
                .count());
        assertEquals(1L, spark.sql("SELECT * FROM " + table("latency") + " WHERE id = '" + baseId + "'").count());

        CliRun again = nas("reparameterize --space graft:resnet-small " + QUICK);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("3 already in reparameterizations, 0 evaluated"), again.out());
        assertEquals(7L, spark.sql("SELECT * FROM " + table("latency")).count());
    }

    @Test
    void blocksThatCannotMergeAreKeptAndNamed() {
        assertEquals(0, nas("sample --space graft:resnet-basic-small --count 2 --seed 1 --input-size 16").code());
        CliRun r = nas("reparameterize --space graft:resnet-basic-small " + QUICK);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(2 ok, 0 failed)"), r.out());
        assertTrue(r.out().matches("(?s).*basic block \\d+->\\d+.* \\(stage \\d, block \\d\\) at net/\\d+/0/body/2"
                + " \\(3x3 convolution \\d+->\\d+\\): kept as it is, a 3x3 convolution after a 3x3 one.*"), r.out());
        for (Row row : spark.sql("SELECT grafted_blocks, refusals, largest_error, largest_output FROM "
                + table("reparameterizations")).collectAsList()) {
            assertEquals(row.getInt(0), row.isNullAt(1) ? 0 : row.getString(1).split("; ").length, row.toString());
            assertTrue(row.getDouble(2) / Math.max(1, row.getDouble(3)) < 1e-4, "still the same output: " + row);
        }
    }

    @Test
    void aMergeThatComputesSomethingElseBecomesAFailedRowWithTheDifferenceInWords() {
        assertEquals(0, nas("sample --space graft:mbconv-small --count 1 --seed 3 --input-size 16").code());
        Row candidate = spark.sql("SELECT * FROM " + table("architectures")).first();
        GraftSpace space = (GraftSpace) SearchSpaces.byName("graft:mbconv-small");
        Candidate c = StoredCandidates.parse(space, candidate);
        Layer grafted = space.network(c, 16, candidate.<Integer>getAs("classes"));
        FeatureShape input = FeatureShape.image(3, 16);
        SplittableRandom rng = new SplittableRandom(5);
        List<float[]> values = Equivalence.trainedLikeValues(grafted, input, rng);
        LinearMerge.Result merged = LinearMerge.merge(grafted, values, input);
        List<float[]> corrupted = new ArrayList<>(merged.values());
        float[] stem = corrupted.get(0).clone();
        stem[0] += 1; // one weight of the first convolution
        corrupted.set(0, stem);
        LinearMerge.Result wrong = new LinearMerge.Result(merged.network(), corrupted, merged.refusals(),
                merged.linearBefore(), merged.linearAfter());

        ReparameterizeEvaluator evaluator = new ReparameterizeEvaluator(new LatencyProtocol(1, 3, 1, 1), "here",
                true, 0, "test-run");
        Row row = evaluator.checkedAndMeasured(candidate, space, grafted, c, values, wrong, rng);
        assertEquals("failed", cell(row, "status"));
        String error = (String) cell(row, "error");
        System.out.println("reparameterize row of a corrupted merge: " + error);
        assertTrue(error.startsWith("the merged network does not compute what the original does: largest output"
                + " error"), error);
        assertTrue((Double) cell(row, "largest_error") > 1e-4 * Math.max(1, (Double) cell(row, "largest_output")));
        assertEquals(null, cell(row, "merged_ms"), "nothing measured for a wrong network");
        int latencyRows = Tables.REPARAMETERIZATIONS.schema().length();
        assertEquals(0, ((scala.collection.Seq<?>) row.get(latencyRows)).size());

        Row right = evaluator.checkedAndMeasured(candidate, space, grafted, c, values, merged, rng);
        assertEquals("ok", cell(right, "status"), String.valueOf(cell(right, "error")));
        assertEquals(3, ((scala.collection.Seq<?>) right.get(latencyRows)).size());
    }

    private static Object cell(Row row, String column) {
        return row.get(Tables.REPARAMETERIZATIONS.schema().fieldIndex(column));
    }

    @Test
    void refusesSpacesThatAreNotGrafting() {
        CliRun r = nas("reparameterize --space nb201");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--space must name a grafting space"), r.err());
    }
}
