package io.nasspark.jobs.maintain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MaintainJobSparkTest extends SparkTestBase {

    @Test
    void aDryRunChangesNothingAndMaintenanceKeepsEveryRowInFewerFiles() throws Exception {
        drop();
        for (int seed = 1; seed <= 4; seed++) {
            assertEquals(0, nas("sample --space nb201 --count 5 --seed " + seed).code());
        }
        Path orphan = WAREHOUSE.resolve("nas/architectures/data/left-by-a-dead-writer.parquet");
        Files.write(orphan, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        String ids = ids();
        assertEquals("4,4", health());

        CliRun dry = nas("maintain --table architectures --expire-older-than 0s --retain-last 1"
                + " --orphans-older-than 1d --dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().lines().anyMatch(l -> l.startsWith("  orphan: ") && l.endsWith(orphan.getFileName().toString())),
                dry.out());
        assertTrue(dry.out().contains("nothing changed"), dry.out());
        assertEquals("4,4", health(), "a dry run must change nothing");
        assertTrue(Files.exists(orphan));

        CliRun run = nas("maintain --table architectures --expire-older-than 0s --retain-last 1 --orphans-older-than 1d");
        assertEquals(0, run.code(), run.err());
        assertEquals("1", spark.sql("SELECT count(*) FROM " + table("architectures") + ".files").first().get(0).toString());
        assertTrue(spark.sql("SELECT count(*) FROM " + table("architectures") + ".snapshots").first().getLong(0) < 4,
                run.out());
        assertFalse(Files.exists(orphan), run.out());
        assertEquals(ids, ids(), "maintenance must keep every row");
    }

    @Test
    void badAgesAndUnknownTablesAreRefusedBeforeAnythingChanges() {
        CliRun age = nas("maintain --expire-older-than 7x");
        assertEquals(2, age.code());
        assertTrue(age.err().contains("--expire-older-than must be a number with s, m, h or d"), age.err());
        drop();
        assertEquals(0, nas("sample --space nb201 --count 3 --seed 1").code());
        CliRun table = nas("maintain --table nosuch");
        assertEquals(2, table.code());
        assertTrue(table.err().contains("--table nosuch: no such table (tables: architectures, runs)"), table.err());
    }

    private static String health() {
        return spark.sql("SELECT (SELECT count(*) FROM " + table("architectures") + ".snapshots),"
                + " (SELECT count(*) FROM " + table("architectures") + ".files)").first().mkString(",");
    }

    private static String ids() {
        return spark.sql("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM " + table("architectures"))
                .first().mkString(",");
    }
}
