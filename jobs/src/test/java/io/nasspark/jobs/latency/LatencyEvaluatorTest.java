package io.nasspark.jobs.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.latency.LatencyProtocol;
import io.nasspark.latency.ReferenceNetwork;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Round-robin groups and their calibration, on real DJL timings, without Spark. */
class LatencyEvaluatorTest {

    private static final SearchSpace NB201 = SearchSpaces.byName("nb201");
    private static final int SIZE = 16;
    private static final int CLASSES = 10;
    private static final LatencyProtocol ROUND_ROBIN = new LatencyProtocol(1, 5, 1, 1, false, 3);
    private static final String KEY = LatencyEvaluator.referenceKey("nb201", SIZE, CLASSES);
    private static final StructType COLUMNS = new StructType().add("id", DataTypes.StringType)
            .add("space", DataTypes.StringType).add("space_version", DataTypes.IntegerType)
            .add("arch", DataTypes.StringType).add("input_size", DataTypes.IntegerType)
            .add("classes", DataTypes.IntegerType);

    private static Row row(Candidate c) {
        return new GenericRowWithSchema(new Object[] {NB201.id(c), "nb201", NB201.version(), NB201.format(c), SIZE,
                CLASSES}, COLUMNS);
    }

    private static Row broken() {
        return new GenericRowWithSchema(new Object[] {"x", "nb201", NB201.version(), "|broken|", SIZE, CLASSES},
                COLUMNS);
    }

    /** A column of an output row, which carries no schema of its own. */
    private static Object cell(Row output, String column) {
        return output.get(Tables.LATENCY.columns().indexOf(column));
    }

    private static LatencyEvaluator evaluator(Map<String, Double> referenceP10) {
        return new LatencyEvaluator(ROUND_ROBIN, "test-cpu", true, "run", referenceP10);
    }

    @Test
    void aGroupIsDividedByHowMuchSlowerItsReferenceRanThanItsStoredTime() throws Exception {
        Candidate reference = ReferenceNetwork.of(NB201, SIZE, CLASSES);
        SplittableRandom rng = new SplittableRandom(5);
        List<Row> group = List.of(row(NB201.sample(rng)), row(reference), broken(), row(NB201.sample(rng)));

        List<Row> out = evaluator(Map.of(KEY, 123.0)).evaluateGroup(group);

        assertEquals(4, out.size());
        // The reference timed in the group is divided by its own slowdown: it reads its stored time.
        assertEquals(123.0, (Double) cell(out.get(1), "p10_ms"), 1e-9);
        assertEquals(Tables.FAILED, cell(out.get(2), "status"), "a candidate that cannot be built fails alone");
        for (int i : new int[] {0, 1, 3}) {
            Row r = out.get(i);
            assertEquals(Tables.OK, cell(r, "status"));
            assertEquals(group.get(i).<String>getAs("id"), (String) cell(r, "id"), "rows come back in the group's order");
            assertEquals("b1-w1-r5-t1-i3", cell(r, "protocol"));
            assertTrue((Double) cell(r, "p10_ms") <= (Double) cell(r, "median_ms"), r.toString());
        }
    }

    @Test
    void theReferencesAreTimedAtLengthAndAGroupWithoutOneCannotBeCalibrated() throws Exception {
        Candidate reference = ReferenceNetwork.of(NB201, SIZE, CLASSES);
        Row timed = evaluator(null).evaluateGroup(List.of(row(reference))).get(0);
        assertEquals(Tables.OK, cell(timed, "status"));
        assertNotEquals(123.0, (Double) cell(timed, "p10_ms"), 1e-9);
        // Its time scales every row calibrated by it, so it gets the passes of a whole group of 3.
        assertEquals(15, cell(timed, "repeats"));
        assertEquals(3, cell(timed, "warmup"));
        assertEquals("b1-w1-r5-t1-i3", cell(timed, "protocol"), "under the run's protocol label");

        List<Row> group = List.of(row(NB201.sample(new SplittableRandom(6))));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> evaluator(Map.of()).evaluateGroup(group));
        assertTrue(e.getMessage().contains("no stored time of the reference network for " + KEY), e.getMessage());
    }
}
