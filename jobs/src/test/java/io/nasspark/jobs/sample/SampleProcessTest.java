package io.nasspark.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.NasProcess;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job contract across processes: {@code nas sample} runs as its own JVM. Killed with
 * SIGKILL once its write has started, it leaves the table as it was, and a re-run finishes the
 * work with no duplicates. Two runs writing the same table at once both land, every row once.
 * The killed run and one of the two writers are child processes; the rest (the first small
 * draw, the re-run, the other writer, the counts) runs in the test's session on the same
 * warehouse, its cached tables refreshed before each read so that it sees what the children
 * committed.
 */
class SampleProcessTest extends SparkTestBase {

    /** Every child process is killed after this long: the test stops by itself. */
    private static final long LIMIT_SECONDS = 180;

    @TempDir
    Path tmp;

    @BeforeEach
    void emptyTables() {
        drop();
    }

    @Test
    void aSampleKilledMidWriteLeavesTheTableAsItWasAndAReRunFinishesIt() throws Exception {
        CliRun first = nas("sample --space mbconv-small --count 1000 --seed 5");
        assertEquals(0, first.code(), first.err());

        // 8 tasks of 6,250 draws on local[2]: when the first file appears, three more waves of
        // tasks and the commit are still to come
        Process big = start("crash", "sample", "--space", "mbconv-small", "--count", "50000",
                "--seed", "5", "--partitions", "8", "--tables", WAREHOUSE.toString());
        try {
            Path data = WAREHOUSE.resolve("nas").resolve("architectures").resolve("data");
            int before = parquetFiles(data).size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            while (parquetFiles(data).size() == before && big.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(big.isAlive(), "the write should still be running when it is killed: "
                    + Files.readString(tmp.resolve("crash.err")));
        } finally {
            big.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        assertEquals("1000,1000", count(), "a killed write changes nothing");

        CliRun rerun = nas("sample --space mbconv-small --count 50000 --seed 5");
        assertEquals(0, rerun.code(), rerun.err());
        assertEquals("50000,50000", count());
        assertEquals(uninterruptedIds("mbconv-small", 5, 50_000), storedIds(),
                "the table equals an uninterrupted run's");
    }

    /** The ids an uninterrupted draw would write, computed here without Spark. */
    private static Set<String> uninterruptedIds(String space, long seed, long count) {
        SearchSpace s = SearchSpaces.byName(space);
        CandidateSampler sampler = new CandidateSampler(s, seed);
        Set<String> ids = new HashSet<>();
        for (long i = 0; i < count; i++) {
            ids.add(s.id(sampler.at(i)));
        }
        return ids;
    }

    private static Set<String> storedIds() {
        refresh();
        return new HashSet<>(spark.sql("SELECT id FROM " + table("architectures")).as(Encoders.STRING())
                .collectAsList());
    }

    @Test
    void twoRunsWritingOverlappingDrawsAtOnceBothLandWithEveryRowOnce() throws Exception {
        // Same seed: the first 30,000 draws are shared, the next 20,000 only the larger run's. One
        // writer is a child process, the other runs in this JVM at the same time.
        Process large = start("large", "sample", "--space", "mbconv-small", "--count", "50000",
                "--seed", "7", "--tables", WAREHOUSE.toString());
        try {
            // the child's first progress line: its job has started drawing
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            while (!Files.readString(tmp.resolve("large.out")).contains("candidates") && large.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(large.isAlive(), "the child should still be drawing: " + Files.readString(tmp.resolve("large.err")));
            CliRun small = nas("sample --space mbconv-small --count 30000 --seed 7");
            assertEquals(0, small.code(), small.err());
            assertTrue(large.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(0, large.exitValue(), Files.readString(tmp.resolve("large.err")));
        } finally {
            large.destroyForcibly();
        }
        assertEquals("50000,50000", count());
    }

    /** count(*) and count(DISTINCT id) of architectures, as the children left it. */
    private static String count() {
        refresh();
        Row r = spark.sql("SELECT count(*), count(DISTINCT id) FROM " + table("architectures")).first();
        return r.getLong(0) + "," + r.getLong(1);
    }

    /** Drops this session's cached copy of the table: a child process may have committed since. */
    private static void refresh() {
        spark.sql("REFRESH TABLE " + table("architectures"));
    }

    private Process start(String name, String... args) throws IOException {
        return new NasProcess(tmp, "local[2]", LIMIT_SECONDS).start(name, args);
    }

    private static List<Path> parquetFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".parquet")).toList();
        }
    }
}
