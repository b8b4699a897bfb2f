package io.nasspark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.space.Candidate;
import io.nasspark.space.nb201.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-table on a benchmark-style CSV the test writes: good rows, isomorphic cells, bad rows. */
class ImportTableJobSparkTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @BeforeEach
    void emptyTables() {
        drop();
    }

    /** Two NB201 cells that are isomorphic: different ids, one canonical id. */
    private static List<String> isomorphicPair() {
        Nb201Space s = new Nb201Space();
        Map<String, Candidate> byClass = new HashMap<>();
        for (long i = 0; ; i++) {
            Candidate c = s.candidate(i);
            Candidate seen = byClass.putIfAbsent(s.canonicalId(c), c);
            if (seen != null) {
                return List.of(s.format(seen), s.format(c));
            }
        }
    }

    @Test
    void importsLatencyAndAccuracyPerGroupAndRejectsWhatDoesNotParse() throws Exception {
        Nb201Space s = new Nb201Space();
        List<String> twins = isomorphicPair();
        List<String> archs = new ArrayList<>(twins);
        archs.add(s.format(s.candidate(5000)));
        List<String> lines = new ArrayList<>(List.of("arch,hw,lat_ms,acc,note"));
        for (String device : List.of("pixel3", "edgegpu")) {
            for (int i = 0; i < archs.size(); i++) {
                lines.add(archs.get(i) + "," + device + "," + (1.5 + i + (device.equals("pixel3") ? 10 : 0))
                        + "," + (70.0 + i) + ",x");
            }
        }
        lines.add("|conv_7x7~0|+|none~0|none~1|+|none~0|none~1|none~2|,pixel3,1.0,50,bad op");
        lines.add(archs.get(0) + ",pixel3,fast,50,not a number");
        lines.add(archs.get(1) + ",edgegpu,-2,50,negative");
        lines.add(archs.get(2) + ",edgegpu,3.0,NaN,nan accuracy");
        Path csv = tmp.resolve("bench.csv");
        Files.write(csv, lines);

        CliRun r = CliRun.nas("import-table", "--input", csv.toString(), "--space", "nb201",
                "--latency-column", "lat_ms", "--accuracy-column", "acc", "--group-columns", "hw",
                "--tables", WAREHOUSE.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("10 rows read, 6 imported, 4 rejected"), r.out());
        assertTrue(r.out().contains("new rows: 3 architectures, 6 latency, 6 accuracy"), r.out());

        Path rejects = Path.of(r.out().substring(r.out().indexOf("-> ") + 3).lines().findFirst().orElseThrow().trim());
        List<String> rejected;
        try (Stream<Path> files = Files.list(rejects)) {
            Path part = files.filter(f -> f.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
            rejected = Files.readAllLines(part);
        }
        assertEquals(5, rejected.size(), rejected.toString());
        assertTrue(rejected.get(1).startsWith("6,") && rejected.get(1).contains("arch does not parse"), rejected.get(1));
        assertTrue(rejected.get(2).contains("latency 'fast' is not a number"), rejected.get(2));
        assertTrue(rejected.get(3).contains("latency -2 is negative"), rejected.get(3));
        assertTrue(rejected.get(4).contains("accuracy is NaN"), rejected.get(4));

        List<Row> latency = spark.sql("SELECT device, count(*), min(median_ms) FROM "
                + IcebergCatalog.qualified("latency") + " GROUP BY device ORDER BY device").collectAsList();
        assertEquals("[[hw=edgegpu,3,1.5], [hw=pixel3,3,11.5]]", latency.toString());
        List<Row> twinsStored = spark.sql("SELECT id, canonical_id FROM " + IcebergCatalog.qualified("architectures")
                + " WHERE arch IN ('" + twins.get(0) + "', '" + twins.get(1) + "')").collectAsList();
        assertEquals(2, twinsStored.size());
        assertNotEquals(twinsStored.get(0).get(0), twinsStored.get(1).get(0), "own ids");
        assertEquals(twinsStored.get(0).get(1), twinsStored.get(1).get(1), "shared canonical id");
        assertEquals(70.0, spark.sql("SELECT min(top1) FROM " + IcebergCatalog.qualified("accuracy")
                + " WHERE task = 'hw=pixel3' AND recipe = 'imported'").first().getDouble(0));

        CliRun again = CliRun.nas("import-table", "--input", csv.toString(), "--space", "nb201",
                "--latency-column", "lat_ms", "--accuracy-column", "acc", "--group-columns", "hw",
                "--tables", WAREHOUSE.toString());
        assertTrue(again.out().contains("new rows: 0 architectures, 0 latency, 0 accuracy"), again.out() + again.err());
    }

    @Test
    void anUnknownColumnIsNamedWithTheColumnsTheFileHas() throws Exception {
        Path csv = tmp.resolve("t.csv");
        Files.write(csv, List.of("arch,latency", "x,1"));
        CliRun r = CliRun.nas("import-table", "--input", csv.toString(), "--space", "nb201",
                "--latency-column", "lat_ms", "--tables", WAREHOUSE.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--latency-column lat_ms is not a column of " + csv + "; its columns are: arch, latency"),
                r.err());
    }
}
