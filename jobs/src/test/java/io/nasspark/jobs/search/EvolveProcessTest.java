package io.nasspark.jobs.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.NasProcess;
import io.nasspark.jobs.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nas evolve} as a JVM of its own, killed with SIGKILL after its second generation: the
 * re-run with the same search id resumes and ends with exactly the rows of an uninterrupted
 * search with the same seed. The killed search is the only child process; the rest runs in the
 * test's session on the same warehouse.
 */
class EvolveProcessTest extends SparkTestBase {

    /** The child process is killed after this long: the test stops by itself. */
    private static final long LIMIT_SECONDS = 300;
    private static final String[] OPS = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};

    @TempDir
    Path tmp;

    @Test
    void aSearchKilledMidRunResumesToTheResultOfAnUninterruptedOne() throws Exception {
        drop();
        Path csv = tmp.resolve("accuracy.csv");
        Files.write(csv, everyCellWithAnAccuracy());
        assertEquals(0, CliRun.nas("import-table", "--input", csv.toString(), "--space", "nb201", "--accuracy-column",
                "top1", "--tables", WAREHOUSE.toString()).code());

        Process killed = new NasProcess(tmp, "local[2]", LIMIT_SECONDS).start("killed", evolve("interrupted"));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            while (!Files.readString(tmp.resolve("killed.err")).contains("generation 2/") && killed.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(killed.isAlive(), "the search should still be running when it is killed: "
                    + Files.readString(tmp.resolve("killed.err")));
        } finally {
            killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        CliRun resumed = CliRun.nas(evolve("interrupted"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed after generation"), resumed.out());
        CliRun whole = CliRun.nas(evolve("whole"));
        assertEquals(0, whole.code(), whole.err());

        List<String> interrupted = generations("interrupted");
        assertEquals(5 * 6, interrupted.stream().filter(l -> l.endsWith(",true]")).count(),
                "5 generations of 6 evaluated candidates");
        assertEquals(generations("whole"), interrupted);
        System.out.printf("EvolveProcessTest: killed after generation 2; %s; %d rows equal to the uninterrupted"
                + " search's%n", resumed.out().lines().findFirst().orElse(""), interrupted.size());
    }

    private static String[] evolve(String searchId) {
        return new String[] {"evolve", "--space", "nb201", "--fitness", "accuracy", "--population", "6",
                "--generations", "5", "--keep", "3", "--seed", "11", "--search-id", searchId,
                "--tables", WAREHOUSE.toString()};
    }

    /** All 15,625 cells, top-1 rising with 3x3 convolutions plus a fixed jitter from the string. */
    private static List<String> everyCellWithAnAccuracy() {
        List<String> lines = new ArrayList<>(List.of("arch,top1"));
        for (int code = 0; code < 15_625; code++) {
            String[] e = new String[6];
            int conv = 0;
            for (int i = 0, c = code; i < 6; i++, c /= 5) {
                e[i] = OPS[c % 5];
                conv += c % 5 == 3 ? 1 : 0;
            }
            String arch = "|" + e[0] + "~0|+|" + e[1] + "~0|" + e[2] + "~1|+|" + e[3] + "~0|" + e[4] + "~1|" + e[5]
                    + "~2|";
            lines.add(String.format(Locale.ROOT, "%s,%.3f", arch, 50 + 5 * conv + Math.floorMod(arch.hashCode(),
                    1000) / 1000.0));
        }
        return lines;
    }

    /** The search's rows, generation by generation, without run ids and times. */
    private static List<String> generations(String searchId) {
        return spark.sql("SELECT generation, id, fitness, origin, parents, population_rank, evaluated FROM"
                + " search_generations WHERE search_id = '" + searchId + "' ORDER BY generation, id")
                .collectAsList().stream().map(Row::toString).toList();
    }
}
