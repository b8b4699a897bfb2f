package io.nasspark.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.NasProcess;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job contract across processes: {@code nas sample} runs as its own JVM. Killed with
 * SIGKILL once its write has started, it leaves the table as it was, and a re-run finishes the
 * work with no duplicates. Two runs writing the same table at once both land, every row once.
 */
class SampleProcessTest {

    /** Every child process is killed after this long: the test stops by itself. */
    private static final long LIMIT_SECONDS = 180;

    @TempDir
    Path tmp;

    @Test
    void aSampleKilledMidWriteLeavesTheTableAsItWasAndAReRunFinishesIt() throws Exception {
        Path tables = tmp.resolve("tables");
        assertEquals(0, nas("sample", "--space", "mbconv-small", "--count", "1000", "--seed", "5",
                "--tables", tables.toString()).waitFor());

        Process big = start("crash", "sample", "--space", "mbconv-small", "--count", "200000",
                "--seed", "5", "--partitions", "8", "--tables", tables.toString());
        try {
            Path data = tables.resolve("nas").resolve("architectures").resolve("data");
            int before = parquetFiles(data).size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            while (parquetFiles(data).size() == before && big.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(big.isAlive(), "the write should still be running when it is killed");
        } finally {
            big.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        assertEquals("1000,1000", count(tables), "a killed write changes nothing");

        assertEquals(0, nas("sample", "--space", "mbconv-small", "--count", "200000", "--seed", "5",
                "--tables", tables.toString()).waitFor());
        assertEquals("200000,200000", count(tables));
        assertEquals(uninterruptedIds("mbconv-small", 5, 200_000), storedIds(tables),
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

    private Set<String> storedIds(Path tables) throws Exception {
        Process sql = nas("sql", "SELECT id FROM architectures", "--format", "csv", "--limit", "0",
                "--tables", tables.toString());
        assertEquals(0, sql.waitFor());
        List<String> lines = Files.readAllLines(tmp.resolve("sql.out"));
        return new HashSet<>(lines.subList(1, lines.size()));
    }

    @Test
    void twoRunsWritingOverlappingDrawsAtOnceBothLandWithEveryRowOnce() throws Exception {
        Path tables = tmp.resolve("tables");
        // Same seed: the first 30,000 draws are shared, the next 20,000 only the second's.
        Process small = start("small", "sample", "--space", "mbconv-small", "--count", "30000",
                "--seed", "7", "--tables", tables.toString());
        Process large = start("large", "sample", "--space", "mbconv-small", "--count", "50000",
                "--seed", "7", "--tables", tables.toString());
        try {
            assertTrue(small.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS) && large.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(0, small.exitValue(), Files.readString(tmp.resolve("small.err")));
            assertEquals(0, large.exitValue(), Files.readString(tmp.resolve("large.err")));
        } finally {
            small.destroyForcibly();
            large.destroyForcibly();
        }
        assertEquals("50000,50000", count(tables));
    }

    private String count(Path tables) throws Exception {
        Process sql = nas("sql", "SELECT count(*), count(DISTINCT id) FROM architectures",
                "--format", "csv", "--tables", tables.toString());
        assertEquals(0, sql.waitFor());
        List<String> lines = Files.readAllLines(tmp.resolve("sql.out"));
        return lines.get(lines.size() - 1);
    }

    private Process nas(String... args) throws IOException, InterruptedException {
        return new NasProcess(tmp, "local[2]", LIMIT_SECONDS).run(args);
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
