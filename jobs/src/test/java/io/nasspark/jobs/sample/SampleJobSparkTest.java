package io.nasspark.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.SparkTestBase;
import io.nasspark.schema.ArchitectureRow;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SampleJobSparkTest extends SparkTestBase {

    private static final PrintWriter ERR = new PrintWriter(System.err, true);

    private final TableStore store = new TableStore(spark);

    @BeforeEach
    void emptyTables() {
        drop(Tables.ARCHITECTURES);
    }

    private static SampleOptions draw(String space, long count, long seed, int partitions) {
        return new SampleOptions(space, count, false, seed, false, 0, 0, partitions);
    }

    @Test
    void enumeratingNb201GivesEveryCellAndTheBenchmarksClassesOnce() {
        SampleJob.Result first = SampleJob.run(spark, new SampleOptions("nb201", 0, true, 0, false, 0, 0, 0), "run-a", ERR);
        assertEquals(15_625, first.added());
        Row counts = spark.sql("SELECT count(*), count(DISTINCT id), count(DISTINCT canonical_id)"
                + " FROM architectures").first();
        assertEquals(15_625L, counts.getLong(0));
        assertEquals(15_625L, counts.getLong(1));
        assertEquals(6_466L, counts.getLong(2));

        SampleJob.Result again = SampleJob.run(spark, new SampleOptions("nb201", 0, true, 0, false, 0, 0, 0), "run-b", ERR);
        assertEquals(0, again.added());
        assertEquals(15_625L, store.read(Tables.ARCHITECTURES).count());
        assertEquals(0L, spark.sql("SELECT count(*) FROM architectures WHERE run_id = 'run-b'").first().getLong(0));
    }

    @Test
    void aLargerCountAddsOnlyTheNewCandidates() {
        assertEquals(300, SampleJob.run(spark, draw("mbconv-small", 300, 11, 3), "small", ERR).added());
        List<String> before = ids("small");
        SampleJob.Result larger = SampleJob.run(spark, draw("mbconv-small", 500, 11, 5), "larger", ERR);
        assertEquals(500, larger.drawn());
        assertEquals(200, larger.added());
        assertEquals(500L, store.read(Tables.ARCHITECTURES).count());
        // The first 300 positions of the larger draw are exactly the first run's candidates.
        Set<String> firstPositions = spark.sql("SELECT id FROM architectures WHERE sample_index < 300")
                .as(Encoders.STRING()).collectAsList().stream().collect(Collectors.toSet());
        assertEquals(Set.copyOf(before), firstPositions);
    }

    @Test
    void rowsDoNotDependOnHowTheDrawIsPartitioned() {
        SampleJob.run(spark, draw("mbconv", 120, 3, 1), "one-partition", ERR);
        List<String> onePartition = ids("one-partition");
        drop(Tables.ARCHITECTURES);
        SampleJob.run(spark, draw("mbconv", 120, 3, 7), "seven-partitions", ERR);
        assertEquals(onePartition, ids("seven-partitions"));
    }

    @Test
    void storedRowsAgreeWithTheLibrary() {
        SampleJob.run(spark, new SampleOptions("mbconv-small", 40, false, 5, true, 28, 100, 2), "scaled", ERR);
        SearchSpace space = SearchSpaces.byName("mbconv-small", true);
        List<ArchitectureRow> rows = store.read(Tables.ARCHITECTURES).collectAsList().stream()
                .map(ArchitectureRow::fromRow).toList();
        assertEquals(40, rows.size());
        for (ArchitectureRow r : rows) {
            var c = space.parse(r.arch());
            assertEquals(space.id(c), r.id());
            assertEquals(space.canonicalId(c), r.canonicalId());
            assertEquals(space.encoding(c), r.encoding());
            assertEquals(28, r.inputSize());
            assertEquals(100, r.classes());
            assertEquals("uniform", r.sampler());
            assertEquals(5L, r.seed());
            assertTrue(r.params() > 0 && r.flops() > 0 && r.memoryAccesses() > r.params());
        }
        assertTrue(rows.stream().anyMatch(r -> r.encoding().contains(";")), "some draws carry scales");
    }

    private static List<String> ids(String runId) {
        return spark.sql("SELECT id FROM architectures WHERE run_id = '" + runId + "' ORDER BY sample_index")
                .as(Encoders.STRING()).collectAsList();
    }
}
