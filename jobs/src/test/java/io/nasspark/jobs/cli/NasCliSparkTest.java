package io.nasspark.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
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
    void theDemoIsTheBuiltInPipelineWithThePipelinesOptions() {
        CliRun demo = nas("demo", "--dry-run");
        assertEquals(0, demo.code(), demo.err());
        assertEquals(9, demo.err().lines().filter(l -> l.matches("\\[\\d/9] .* would run: nas .*")).count(), demo.err());
        assertTrue(demo.err().contains("[5/9] search (evolve) would run: nas evolve --space nb201"), demo.err());
        assertTrue(demo.out().contains("dry run, nothing ran"), demo.out());
        CliRun bad = nas("demo", "--only", "nope");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--only nope: no such stage in built-in demo.yaml"), bad.err());
    }
}
