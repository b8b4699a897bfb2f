package io.nasspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.cli.SparkOptions;
import io.nasspark.jobs.cli.SparkSessions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1 (cluster-conf/local-cluster.sh, master and two
 * workers from the Maven classpath), jobs submitted through cluster-conf/submit.sh. The cluster
 * is stopped in {@link #stopCluster} whatever happens; every process wait is bounded.
 * The fault test runs last: it leaves one worker dead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    static final Path ROOT = projectRoot();
    static final Path CLUSTER = ROOT.resolve("cluster-conf/local-cluster.sh");
    static final Path SUBMIT = ROOT.resolve("cluster-conf/submit.sh");

    @TempDir
    static Path work;
    static int masterPort;
    static int webuiPort;
    static int workerWebuiBase;
    static String masterUrl;

    @BeforeAll
    static void startCluster() throws Exception {
        masterPort = freePort();
        webuiPort = freePort();
        workerWebuiBase = freeConsecutivePorts(2);
        masterUrl = "spark://127.0.0.1:" + masterPort;
        Run start = cluster("start", "--workers", "2");
        System.out.println("local-cluster.sh start (exit " + start.exit + "):\n" + start.output);
        assertEquals(0, start.exit, start.output);
        assertTrue(start.output.contains(masterUrl), start.output);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Run stop = cluster("stop");
        System.out.println("local-cluster.sh stop (exit " + stop.exit + "):\n" + stop.output);
    }

    @Test
    @Order(1)
    void latencyIsMeasuredByDjlOnTheExecutors() throws Exception {
        Path tables = work.resolve("tables-latency");
        // the candidates, drawn in this JVM on a local session (the cluster measures them)
        CliRun sample = inThisJvm("sample", "--space", "nb201", "--count", "6", "--tables", tables.toString(),
                "--master", "local[1]", "--conf", "spark.local.dir=" + work.resolve("reader-local"));
        assertEquals(0, sample.code(), sample.err());
        Run submit = run(work, 420, Map.of(), SUBMIT.toString(), "--conf-file", "standalone",
                "measure-latency", "--warmup", "2", "--repeats", "5", "--commit-every", "3",
                "--tables", tables.toString(), "--master", masterUrl);
        System.out.println("submit measure-latency (exit " + submit.exit + "):\n" + submit.output);
        assertEquals(0, submit.exit, submit.output);
        assertTrue(submit.output.contains("6 evaluated (6 ok, 0 failed) in 2 commits"), submit.output);
        // The six candidates, and the reference network their round-robin groups are calibrated by.
        assertEquals("7,7,true,6", sql(tables, "SELECT count(*), count(DISTINCT l.id), min(l.median_ms) > 0,"
                + " count(a.id) FROM latency l LEFT JOIN architectures a ON l.id = a.id"
                + " WHERE l.status = 'ok' AND l.engine LIKE 'PyTorch 2.7.1%'"));
    }

    @Test
    @Order(2)
    void secondStartSaysRunningAndStartsNothing() throws Exception {
        List<Long> before = sparkDaemons();
        Run again = cluster("start", "--workers", "2");
        System.out.println("second local-cluster.sh start (exit " + again.exit + "):\n" + again.output);
        assertEquals(1, again.exit, again.output);
        assertTrue(again.output.contains("already running"), again.output);
        assertEquals(before, sparkDaemons(), "a second start must not start daemons");
    }

    @Test
    @Order(3)
    void unreachableMasterFailsFastWithAClearMessage() throws Exception {
        int nobody = freePort();
        long t0 = System.nanoTime();
        Run submit = run(work, 90, Map.of(), SUBMIT.toString(), "--conf-file", "standalone",
                "sample", "--space", "mbconv-small", "--count", "10",
                "--tables", work.resolve("tables-none").toString(),
                "--master", "spark://127.0.0.1:" + nobody);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("submit to a dead port (exit %d, %.1f s): %s%n", submit.exit, seconds, submit.output);
        assertEquals(2, submit.exit, submit.output);
        assertTrue(submit.output.contains("cannot reach spark master at spark://127.0.0.1:" + nobody),
                submit.output);
        assertTrue(seconds < 90, "took " + seconds + " s");
    }

    @Test
    @Order(4)
    void sampleOnTheClusterSurvivesAWorkerKilledAndWritesEveryRowOnce() throws Exception {
        long count = 300_000;
        Path tables = work.resolve("tables-fault");
        Path log = work.resolve("fault-submit.log");
        Path workDir = work.resolve(".nas/cluster/work");
        Map<String, Long> startedApps = appDirs(workDir);
        Process submit = new ProcessBuilder(SUBMIT.toString(), "--conf-file", "standalone",
                "sample", "--space", "mbconv-small", "--count", Long.toString(count), "--seed", "11",
                "--tables", tables.toString(), "--master", masterUrl)
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String killPoint;
        try {
            // Wait (bounded) until an executor of this application runs tasks, then a little more.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            Path victimLog = null;
            while (victimLog == null) {
                assertTrue(System.nanoTime() < deadline, "no task started within 240 s");
                assertTrue(submit.isAlive(), "job ended before a task ran: " + Files.readString(log));
                victimLog = executorLogs(workDir, startedApps).stream()
                        .filter(p -> read(p).contains("Running task")).findFirst().orElse(null);
                Thread.sleep(250);
            }
            Thread.sleep(3000);
            int worker = Integer.parseInt(victimLog.getParent().getParent().getParent().getFileName()
                    .toString().replace("worker-", ""));
            long workerPid = Long.parseLong(Files.readString(
                    work.resolve(".nas/cluster/pids/worker-" + worker + ".pid")).trim());
            ProcessHandle workerHandle = ProcessHandle.of(workerPid).orElseThrow();
            List<ProcessHandle> executors = workerHandle.children()
                    .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .toList();
            long finished = countAll(executorLogs(workDir, startedApps), "Finished task");
            long running = countAll(executorLogs(workDir, startedApps), "Running task");
            killPoint = String.format("kill -9 of worker-%d (pid %d) and its executor(s) %s after %d task"
                    + " launches, %d tasks finished in this job's executors",
                    worker, workerPid, executors.stream().map(h -> Long.toString(h.pid())).toList(),
                    running, finished);
            executors.forEach(ProcessHandle::destroyForcibly); // SIGKILL
            workerHandle.destroyForcibly();                    // SIGKILL
            System.out.println("fault: " + killPoint);
            assertTrue(submit.waitFor(600, TimeUnit.SECONDS), "job did not finish within 600 s after the kill");
        } finally {
            if (submit.isAlive()) {
                submit.descendants().forEach(ProcessHandle::destroyForcibly);
                submit.destroyForcibly();
            }
        }
        String output = withoutJvmNotices(Files.readString(log));
        System.out.println("fault job (exit " + submit.exitValue() + "):\n" + tail(output, 15));
        assertEquals(0, submit.exitValue(), output);
        String rows = sql(tables, "SELECT count(*), count(DISTINCT id) FROM architectures");
        System.out.println("fault: rows expected " + count + "," + count + " (count, distinct), found " + rows
                + "; " + killPoint);
        assertEquals(count + "," + count, rows);
        assertEquals(masterUrl + ",succeeded", sql(tables, "SELECT master, status FROM runs"));
    }

    // --- helpers -----------------------------------------------------------------------------

    record Run(int exit, String output) {}

    static Run cluster(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CLUSTER.toString()));
        cmd.addAll(List.of(args));
        return run(work, 200, Map.of("NAS_MASTER_PORT", Integer.toString(masterPort),
                "NAS_MASTER_WEBUI_PORT", Integer.toString(webuiPort),
                "NAS_WORKER_WEBUI_PORT", Integer.toString(workerWebuiBase)), cmd.toArray(String[]::new));
    }

    /** Runs a command to its end, at most {@code seconds}; its process tree is killed after that. */
    static Run run(Path dir, long seconds, Map<String, String> env, String... cmd) throws Exception {
        Path out = Files.createTempFile(work, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Run(-1, "timed out after " + seconds + " s: " + String.join(" ", cmd) + "\n"
                    + Files.readString(out));
        }
        return new Run(p.exitValue(), withoutJvmNotices(Files.readString(out)));
    }

    /** Output without the lines every JVM prints about its options (JAVA_TOOL_OPTIONS: see the pom). */
    static String withoutJvmNotices(String output) {
        return output.replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "")
                .replaceAll("(?m)^Picked up JAVA_TOOL_OPTIONS: .*\n", "");
    }

    /**
     * One row of a query over the tables in {@code tables}, its values joined with commas. Read in
     * this JVM, in a local session over that tables directory started for the query and stopped
     * after it, rather than by a {@code nas sql} process: the rows are what the cluster's jobs
     * committed either way, and a session in a running JVM starts in a fraction of a new JVM's time.
     */
    static String sql(Path tables, String query) {
        SparkOptions options = SparkOptions.of(tables, "local[1]", Map.of("spark.sql.shuffle.partitions", "1",
                "spark.local.dir", work.resolve("reader-local").toString()));
        List<Row> rows;
        try {
            rows = SparkSessions.using(options, "StandaloneClusterIT reader", spark -> spark.sql(query).collectAsList());
        } finally {
            // the stopped session must not be found by the next query's getOrCreate
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
        assertEquals(1, rows.size(), query + ": " + rows);
        Row r = rows.get(0);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
            values.add(String.valueOf(r.get(i)));
        }
        return String.join(",", values);
    }

    /** {@code nas ARGS} in this JVM, its session stopped after (and forgotten, for the next one). */
    static CliRun inThisJvm(String... args) {
        try {
            return CliRun.nas(args);
        } finally {
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    static List<Long> sparkDaemons() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains("org.apache.spark.deploy."))
                .map(ProcessHandle::pid).sorted().toList();
    }

    /** Application directories under the workers' work dirs (worker-N/app-ID), with their mtime. */
    static Map<String, Long> appDirs(Path workDir) throws IOException {
        try (Stream<Path> s = Files.exists(workDir) ? Files.walk(workDir, 2) : Stream.empty()) {
            return s.filter(p -> p.getFileName().toString().startsWith("app-"))
                    .collect(java.util.stream.Collectors.toMap(p -> workDir.relativize(p).toString(), p -> 0L));
        }
    }

    /** The stderr files of executors of applications that were not there before. */
    static List<Path> executorLogs(Path workDir, Map<String, Long> before) throws IOException {
        try (Stream<Path> s = Files.exists(workDir) ? Files.walk(workDir, 4) : Stream.empty()) {
            return s.filter(p -> p.getFileName().toString().equals("stderr"))
                    .filter(p -> !before.containsKey(workDir.relativize(p.getParent().getParent()).toString()))
                    .sorted(Comparator.naturalOrder()).toList();
        }
    }

    static long countAll(List<Path> logs, String what) {
        return logs.stream().mapToLong(p -> read(p).lines().filter(l -> l.contains(what)).count()).sum();
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String tail(String s, int lines) {
        List<String> all = s.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeConsecutivePorts(int n) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
                    free = true;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }

    static Path projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.exists(dir.resolve("cluster-conf")) ? dir : Optional.ofNullable(dir.getParent()).orElse(dir);
    }
}
