package io.nasspark.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.schema.Tables;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line end to end on the shared session: a job, its run record, and sql. */
class NasCliSparkTest extends SparkTestBase {

    @BeforeEach
    void emptyTables() {
        drop();
    }

    private static CliRun nas(String... args) {
        String[] withTables = new String[args.length + 2];
        System.arraycopy(args, 0, withTables, 0, args.length);
        withTables[args.length] = "--tables";
        withTables[args.length + 1] = WAREHOUSE.toString();
        return CliRun.nas(withTables);
    }

    @Test
    void sampleThenReadItBackWithSql() {
        CliRun sample = nas("sample", "--space", "nb201", "--count", "25", "--seed", "9");
        assertEquals(0, sample.code(), sample.err());
        assertTrue(sample.out().contains("25 new rows in architectures"), sample.out());

        CliRun csv = nas("sql", "SELECT space, count(*) AS n FROM architectures GROUP BY space", "--format", "csv");
        assertEquals(0, csv.code(), csv.err());
        assertEquals(List.of("space,n", "nb201,25"), csv.out().lines().toList());

        CliRun version = nas("sql", "SELECT code_version FROM runs", "--format", "csv");
        assertTrue(version.out().lines().skip(1).allMatch(v -> v.matches("0\\.1\\.0-SNAPSHOT\\+(\\p{XDigit}{7,}|unknown)(-dirty)?")),
                version.out());

        CliRun runs = nas("sql", "SELECT job, args, seed, status, rows_written FROM runs", "--format", "json");
        assertEquals(0, runs.code(), runs.err());
        assertEquals("{\"job\":\"sample\",\"args\":\"sample --space nb201 --count 25 --seed 9 --tables "
                + WAREHOUSE + "\",\"seed\":9,\"status\":\"succeeded\",\"rows_written\":25}", runs.out().strip());

        CliRun table = nas("sql", "SELECT sampler, count(*) AS n FROM architectures GROUP BY sampler");
        assertTrue(table.out().contains("permutation  25"), table.out());
    }

    @Test
    void machineFormatsPrintEveryRowAndATableCutShortSaysSo() {
        assertEquals(0, nas("sample", "--space", "nb201", "--count", "1200", "--seed", "4").code());
        String query = "SELECT id FROM architectures";
        assertEquals(1_201L, nas("sql", query, "--format", "csv").out().lines().count(), "a header and every row");
        assertEquals(1_200L, nas("sql", query, "--format", "json").out().lines().count());
        assertEquals(11L, nas("sql", query, "--format", "csv", "--limit", "10").out().lines().count());

        CliRun table = nas("sql", query);
        assertTrue(table.out().strip().endsWith("(showing 1,000 of 1,200 rows; --limit 0 prints all)"), table.out());
        assertEquals(1_000L + 3, table.out().lines().count(), "header, rule, rows, footer");
        assertTrue(nas("sql", query, "--limit", "0").out().strip().endsWith("(1200 rows)"));
    }

    @Test
    void aQueryOnAMissingTableIsBadInput() {
        CliRun r = nas("sql", "SELECT * FROM no_such_table");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no_such_table"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void theDemoWritesBothSpacesScoresAFewCellsSearchesAndSummarises() {
        CliRun demo = nas("demo", "--count", "50", "--score", "2", "--search-generations", "1");
        assertEquals(0, demo.code(), demo.err());
        assertTrue(demo.out().contains("15,625 new rows"), demo.out());
        assertTrue(demo.out().contains("50 new rows"), demo.out());
        assertTrue(demo.out().lines().anyMatch(l -> l.startsWith("nb201") && l.contains("15625") && l.contains("6466")),
                demo.out());
        assertEquals(15_675L, spark.read().table("architectures").where("input_size <> 16").count(),
                "all cells, 50 MBConv");
        long at16 = spark.read().table("architectures").where("input_size = 16").count();
        assertTrue(at16 >= 2 && at16 <= 4, "2 cells scored, the search's 2 new or reused: " + at16);
        assertTrue(demo.out().contains("score: 2 candidates") && demo.out().contains("Proxies of the scored cells"),
                demo.out());
        assertTrue(demo.out().contains("evolve demo-s0: evolution search of nb201"), demo.out());
        assertEquals(2, spark.read().table("search_generations").where("search_id = 'demo-s0' AND evaluated"
                + " AND fitness IS NOT NULL").count(), "the search's one generation of 2, each with a BTE");
        assertTrue(spark.read().table("proxy_scores").count() >= 2 * 5, "2 cells x bte, tse, jacov, params, flops");
        assertTrue(spark.catalog().tableExists("runs") && spark.table("runs").count() == 3,
                "demo, its score and its evolve run");
        assertTrue(Tables.all().size() >= 2);
    }
}
