package io.nasspark.jobs.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.graft.GraftSpace;
import java.util.List;
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
    void refusesSpacesThatAreNotGrafting() {
        CliRun r = nas("reparameterize --space nb201");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--space must name a grafting space"), r.err());
    }
}
