package io.nasspark.jobs.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.SparkTestBase;
import io.nasspark.jobs.CliRun;
import io.nasspark.latency.ReferenceNetwork;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpaces;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * measure-latency end to end on the shared local[2] session: real DJL measurements, a
 * candidate that cannot be built becoming a failed row, re-runs that skip what is stored, and
 * --retry-failed replacing the failed row once its cause is fixed.
 */
class MeasureLatencyJobSparkTest extends SparkTestBase {

    private static final String QUICK = "--warmup 1 --repeats 3 --commit-every 4 --interleave 1";

    @BeforeEach
    void emptyTables() {
        drop();
    }

    @Test
    void measuresEachCandidateOnceRecordsFailuresAndRetriesThemWhenAsked() {
        assertEquals(0, nas("sample --space nb201 --count 6 --seed 4").code());
        Row victim = spark.sql("SELECT id, arch FROM " + table("architectures") + " ORDER BY sample_index LIMIT 1").first();
        String goodArch = victim.getString(1);
        // A stored row whose string no longer parses: the candidate cannot be built.
        spark.sql("UPDATE " + table("architectures") + " SET arch = '|nor_conv_9x9~0|+|broken|'"
                + " WHERE id = '" + victim.getString(0) + "'");

        CliRun first = nas("measure-latency --space nb201 " + QUICK);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("6 candidates, 0 already in latency, 6 evaluated (5 ok, 1 failed) in 2 commits"),
                first.out());
        assertTrue(first.out().contains("harness share of the median"), first.out());

        List<Row> rows = spark.sql("SELECT * FROM " + table("latency")).collectAsList();
        assertEquals(6, rows.size());
        Row failed = rows.stream().filter(r -> Tables.FAILED.equals(r.getAs("status"))).findFirst().orElseThrow();
        assertEquals(victim.getString(0), failed.getAs("id"));
        assertTrue(failed.<String>getAs("error").contains("nor_conv_9x9"), failed.<String>getAs("error"));
        for (Row ok : rows) {
            if (Tables.OK.equals(ok.getAs("status"))) {
                double median = ok.getAs("median_ms");
                assertTrue(median > 0 && ok.<Double>getAs("p10_ms") <= median && median <= ok.<Double>getAs("p90_ms"));
                assertEquals("b1-w1-r3-t1", ok.getAs("protocol"));
                assertTrue(ok.<Double>getAs("harness_share") > 0, "harness cost recorded");
                assertTrue(ok.<String>getAs("engine").startsWith("PyTorch 2.7.1"), ok.<String>getAs("engine"));
            }
        }

        CliRun again = nas("measure-latency --space nb201 " + QUICK);
        assertTrue(again.out().contains("6 already in latency, 0 evaluated"), again.out());

        spark.sql("UPDATE " + table("architectures") + " SET arch = '" + goodArch + "' WHERE id = '"
                + victim.getString(0) + "'");
        CliRun plain = nas("measure-latency --space nb201 " + QUICK);
        assertTrue(plain.out().contains("0 evaluated"), "failed rows stay unless asked: " + plain.out());
        CliRun retry = nas("measure-latency --space nb201 --retry-failed " + QUICK);
        assertEquals(0, retry.code(), retry.err());
        assertTrue(retry.out().contains("5 already in latency, 1 evaluated (1 ok, 0 failed)"), retry.out());
        List<Row> after = spark.sql("SELECT status, count(*) FROM " + table("latency") + " GROUP BY status").collectAsList();
        assertEquals(List.of(Tables.OK + ",6"), after.stream().map(r -> r.get(0) + "," + r.get(1)).toList());
        assertEquals(4, spark.sql("SELECT count(*) FROM " + table("runs") + " WHERE job = 'measure-latency'")
                .first().getLong(0), "every run recorded");
    }

    @Test
    void roundRobinRunsMeasureTheReferenceFirstAndCalibrateByIt() {
        assertEquals(0, nas("sample --space nb201 --count 5 --seed 4 --input-size 16").code());
        String options = "measure-latency --space nb201 --warmup 1 --repeats 5 --interleave 3";

        CliRun first = nas(options);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("5 candidates, 0 already in latency, 5 evaluated (5 ok, 0 failed)"), first.out());
        assertTrue(first.out().contains("calibrated by the reference network of nb201@16x10 (p10 "), first.out());

        String reference = SearchSpaces.byName("nb201").id(
                ReferenceNetwork.of(SearchSpaces.byName("nb201"), 16, 10));
        List<Row> rows = spark.sql("SELECT l.id, l.protocol, l.status, l.p10_ms, a.id IS NULL AS outside FROM "
                + table("latency") + " l LEFT JOIN " + table("architectures") + " a ON l.id = a.id").collectAsList();
        assertEquals(6, rows.size(), "five candidates and the reference: " + rows);
        for (Row r : rows) {
            assertEquals("b1-w1-r5-t1-i3", r.getString(1));
            assertEquals(Tables.OK, r.getString(2));
            assertTrue(r.getDouble(3) > 0);
            assertEquals(r.getString(0).equals(reference), r.getBoolean(4), "only the reference is not sampled");
        }

        CliRun again = nas(options);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("5 already in latency, 0 evaluated"), again.out());
        assertEquals(6, spark.sql("SELECT * FROM " + table("latency")).count(), "nothing measured twice");
    }

    @Test
    void badOptionsAreRefusedBeforeAnyWork() {
        CliRun r = nas("measure-latency --repeats 1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--repeats must be at least 3"), r.err());
        CliRun interleave = nas("measure-latency --interleave 0");
        assertEquals(2, interleave.code());
        assertTrue(interleave.err().contains("--interleave must be at least 1, got 0"), interleave.err());
        CliRun missing = nas("measure-latency --space nb201");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("table architectures does not exist yet"), missing.err());
        assertEquals(0, nas("sample --space nb201 --count 2").code());
        CliRun none = nas("measure-latency --space mbconv-small");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no stored candidates match the selection"), none.err());
    }
}
