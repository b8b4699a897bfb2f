package io.nasspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * workers from the Maven classpath), jobs submitted through cluster-conf/submit.sh, with the
 * warehouse on HDFS (cluster-conf/hdfs.sh: Hadoop's NameNode and DataNode) and the Iceberg
 * catalog on PostgreSQL (cluster-conf/catalog.sh). All three are stopped in {@link #stopAll}
 * whatever happens; every process wait is bounded. The fault tests run last: the worker kill
 * leaves one worker dead, and the catalog test stops the database and kills the DataNode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    static final Path ROOT = projectRoot();
    static final Path CLUSTER = ROOT.resolve("cluster-conf/local-cluster.sh");
    static final Path SUBMIT = ROOT.resolve("cluster-conf/submit.sh");
    static final Path CATALOG = ROOT.resolve("cluster-conf/catalog.sh");
    static final Path HDFS = ROOT.resolve("cluster-conf/hdfs.sh");

    @TempDir
    static Path work;
    static int masterPort;
    static int webuiPort;
    static int workerWebuiBase;
    static String masterUrl;
    static int catalogPort;
    static int hdfsPort;
    static int hdfsHttpPort;
    /** The warehouse every test shares: one catalog database holds one set of tables. */
    static String warehouse;
    /**
     * The catalog's directory: outside the test's own temporary directory, which is closed to
     * other users, because run as root the database server runs as the postgres user.
     */
    static Path catalogDir;

    @BeforeAll
    static void startAll() throws Exception {
        masterPort = freePort();
        webuiPort = freePort();
        workerWebuiBase = freeConsecutivePorts(2);
        masterUrl = "spark://127.0.0.1:" + masterPort;
        catalogPort = freePort();
        hdfsPort = freePort();
        hdfsHttpPort = freePort();
        warehouse = "hdfs://127.0.0.1:" + hdfsPort + "/nas";
        catalogDir = Files.createTempDirectory("nas-catalog-it",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Run catalog = script(CATALOG, "start");
        System.out.println("catalog.sh start (exit " + catalog.exit + "):\n" + catalog.output);
        assertEquals(0, catalog.exit, catalog.output);
        assertTrue(catalog.output.contains("password=******"), "the password is not printed: " + catalog.output);
        Run hdfs = script(HDFS, "start");
        System.out.println("hdfs.sh start (exit " + hdfs.exit + "):\n" + hdfs.output);
        assertEquals(0, hdfs.exit, hdfs.output);
        Run start = cluster("start", "--workers", "2");
        System.out.println("local-cluster.sh start (exit " + start.exit + "):\n" + start.output);
        assertEquals(0, start.exit, start.output);
        assertTrue(start.output.contains(masterUrl), start.output);
    }

    @AfterAll
    static void stopAll() throws Exception {
        Run stop = cluster("stop");
        System.out.println("local-cluster.sh stop (exit " + stop.exit + "):\n" + stop.output);
        System.out.println("hdfs.sh stop: " + script(HDFS, "stop").output);
        System.out.println("catalog.sh stop: " + script(CATALOG, "stop").output);
        try (Stream<Path> files = Files.walk(catalogDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void sampleMeasureScoreAndParetoRunOnTheClusterWithTablesOnHdfsAndTheCatalogOnPostgres() throws Exception {
        // One driver for the four jobs, as users run a flow (a driver's start is most of a small job's time).
        Path flow = Files.writeString(work.resolve("flow.yaml"), """
                name: cluster-it
                description: the four jobs of the cluster test
                stages:
                  sample:
                    options: {space: nb201, count: 6, seed: 2, input-size: 16}
                  measure-latency:
                    options: {space: nb201, warmup: 2, repeats: 5, commit-every: 3}
                  score:
                    options: {space: nb201, epochs: 2, limit-images: 256}
                  pareto:
                    options: {from-tables: true, objectives: "latency_ms:min,flops:max"}
                """);
        Run submit = submit(600, "pipeline", "--file", flow.toString());
        System.out.println("submit pipeline sample, measure-latency, score, pareto (exit " + submit.exit + "):\n"
                + tail(submit.output, 12));
        assertEquals(0, submit.exit, submit.output);
        // The six candidates, and the reference network their round-robin groups are calibrated by.
        assertEquals("7,7,true,6", sharedSql("SELECT count(*), count(DISTINCT l.id), min(l.median_ms) > 0,"
                + " count(a.id) FROM latency l LEFT JOIN architectures a ON l.id = a.id"
                + " WHERE l.status = 'ok' AND l.engine LIKE 'PyTorch 2.7.1%'"));
        assertEquals("6", sharedSql("SELECT count(DISTINCT id) FROM proxy_scores"));
        assertEquals("ok", sharedSql("SELECT status FROM pareto_summary"));
        assertEquals("4", sharedSql("SELECT count(DISTINCT job) FROM runs WHERE master = '" + masterUrl + "'"
                + " AND status = 'succeeded' AND job IN ('sample', 'measure-latency', 'score', 'pareto')"));
        assertEquals("true", sharedSql("SELECT min(file_path LIKE '" + warehouse + "/%') FROM nas.nas.architectures.files"));
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
    void twoDriversCommittingToOneTableAtOnceWriteEveryKeyOnce() throws Exception {
        List<String> job = List.of("sample", "--space", "mbconv-mini", "--count", "20000", "--seed", "21",
                "--conf", "spark.cores.max=1");
        List<Process> drivers = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                logs.add(work.resolve("race-" + i + ".log"));
                drivers.add(new ProcessBuilder(submitCommand(job.toArray(String[]::new))).directory(work.toFile())
                        .redirectErrorStream(true).redirectOutput(logs.get(i).toFile()).start());
            }
            for (Process driver : drivers) {
                assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "a racing driver did not finish within 300 s");
            }
        } finally {
            drivers.forEach(StandaloneClusterIT::killTree);
        }
        long added = 0;
        long alreadyThere = 0;
        java.util.regex.Pattern counts = java.util.regex.Pattern.compile("([\\d,]+) new rows in architectures, ([\\d,]+) already there");
        for (int i = 0; i < 2; i++) {
            String output = withoutJvmNotices(Files.readString(logs.get(i)));
            System.out.println("racing driver " + i + " (exit " + drivers.get(i).exitValue() + "): " + tail(output, 1));
            assertEquals(0, drivers.get(i).exitValue(), output);
            java.util.regex.Matcher m = counts.matcher(output);
            assertTrue(m.find(), output);
            added += Long.parseLong(m.group(1).replace(",", ""));
            alreadyThere += Long.parseLong(m.group(2).replace(",", ""));
        }
        // Both drew the same candidates (a few twice: draws are with replacement), so together they
        // add each distinct candidate once and find the rest there.
        String stored = sharedSql("SELECT count(*), count(DISTINCT id) FROM architectures WHERE space = 'mbconv-mini'");
        System.out.println("race: new rows " + added + ", already there " + alreadyThere + "; stored (count, distinct) " + stored);
        assertEquals(added + "," + added, stored);
        assertEquals(2 * 20_000, added + alreadyThere);
        assertTrue(added > 19_000, "most of 20,000 draws are distinct: " + added);
    }

    @Test
    @Order(5)
    void sampleOnTheClusterSurvivesAWorkerKilledAndWritesEveryRowOnce() throws Exception {
        long count = 300_000;
        Path log = work.resolve("fault-submit.log");
        Path workDir = work.resolve(".nas/cluster/work");
        Map<String, Long> startedApps = appDirs(workDir);
        Process submit = new ProcessBuilder(submitCommand("sample", "--space", "mbconv-small",
                "--count", Long.toString(count), "--seed", "11"))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String killPoint;
        try {
            Path victimLog = awaitTasks(submit, log, workDir, startedApps);
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
            killTree(submit);
        }
        String output = withoutJvmNotices(Files.readString(log));
        System.out.println("fault job (exit " + submit.exitValue() + "):\n" + tail(output, 15));
        assertEquals(0, submit.exitValue(), output);
        String rows = sharedSql("SELECT count(*), count(DISTINCT id) FROM architectures WHERE space = 'mbconv-small'");
        System.out.println("fault: rows expected " + count + "," + count + " (count, distinct), found " + rows
                + "; " + killPoint);
        assertEquals(count + "," + count, rows);
        assertEquals(masterUrl + ",succeeded", sharedSql("SELECT master, status FROM runs WHERE args LIKE '%--seed 11 %'"));
    }

    @Test
    @Order(6)
    void aStoppedCatalogFailsTheJobWithNothingCommittedAndADataNodeRestartLosesNoTable() throws Exception {
        Map<String, String> before = tableCounts();
        Path log = work.resolve("catalog-fault.log");
        Path workDir = work.resolve(".nas/cluster/work");
        Map<String, Long> startedApps = appDirs(workDir);
        String[] job = {"sample", "--space", "mbconv", "--count", "150000", "--seed", "31"};
        Process submit = new ProcessBuilder(submitCommand(job)).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitTasks(submit, log, workDir, startedApps);
            Run stop = script(CATALOG, "stop");
            System.out.println("fault: catalog.sh stop once tasks ran: " + stop.output.strip());
            assertTrue(submit.waitFor(300, TimeUnit.SECONDS), "job did not end within 300 s after the catalog stopped");
        } finally {
            killTree(submit);
        }
        String output = withoutJvmNotices(Files.readString(log));
        System.out.println("job with its catalog stopped (exit " + submit.exitValue() + "):\n" + tail(output, 3));
        assertTrue(submit.exitValue() != 0, output);
        assertTrue(output.contains("nas sample: failed: the catalog at jdbc:postgresql://127.0.0.1:" + catalogPort
                + "/nas_catalog failed"), output);

        long dataNode = Long.parseLong(Files.readString(work.resolve(".nas/hdfs/pids/datanode.pid")).trim());
        ProcessHandle.of(dataNode).ifPresent(h -> {
            h.destroyForcibly(); // SIGKILL
            h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
        assertEquals(3, script(HDFS, "status").exit, "the DataNode is dead");
        Run restart = script(HDFS, "start-datanode");
        System.out.println("fault: kill -9 of the DataNode (pid " + dataNode + "), then " + restart.output.strip());
        assertEquals(0, restart.exit, restart.output);
        Run catalog = script(CATALOG, "start");
        assertEquals(0, catalog.exit, catalog.output);

        Map<String, String> after = tableCounts();
        System.out.println("fault: table row counts before " + before + ", after " + after);
        assertEquals(before, after, "nothing half-committed, no table lost");
        Run rerun = submit(420, job);
        System.out.println("re-run (exit " + rerun.exit + "): " + tail(rerun.output, 1));
        assertEquals(0, rerun.exit, rerun.output);
        assertEquals("150000,150000", sharedSql("SELECT count(*), count(DISTINCT id) FROM architectures WHERE space = 'mbconv'"));
    }

    // --- helpers -----------------------------------------------------------------------------

    /** Waits (bounded) until an executor of a new application runs tasks, then a little more; its log. */
    static Path awaitTasks(Process submit, Path log, Path workDir, Map<String, Long> startedApps) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        Path executorLog = null;
        while (executorLog == null) {
            assertTrue(System.nanoTime() < deadline, "no task started within 240 s");
            assertTrue(submit.isAlive(), "job ended before a task ran: " + Files.readString(log));
            executorLog = executorLogs(workDir, startedApps).stream()
                    .filter(p -> read(p).contains("Running task")).findFirst().orElse(null);
            Thread.sleep(250);
        }
        Thread.sleep(3000);
        return executorLog;
    }

    static void killTree(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** {@code submit.sh} of a job on the cluster, over the shared warehouse and catalog. */
    static String[] submitCommand(String... job) {
        List<String> cmd = new ArrayList<>(List.of(SUBMIT.toString(), "--conf-file", "standalone"));
        cmd.addAll(List.of(job));
        cmd.addAll(List.of("--tables", warehouse, "--master", masterUrl));
        profiles().forEach(p -> cmd.addAll(List.of("--profile", p.toString())));
        return cmd.toArray(String[]::new);
    }

    /** The client settings hdfs.sh and catalog.sh wrote for the shared warehouse and catalog. */
    static List<Path> profiles() {
        return List.of(work.resolve(".nas/hdfs/profile.properties"), catalogDir.resolve("profile.properties"));
    }

    static Run submit(long seconds, String... job) throws Exception {
        return run(work, seconds, Map.of(), submitCommand(job));
    }

    /** catalog.sh or hdfs.sh with this test's ports. */
    static Run script(Path script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        return run(work, 200, Map.of("NAS_CATALOG_PORT", Integer.toString(catalogPort),
                "NAS_CATALOG_DIR", catalogDir.toString(),
                "NAS_HDFS_PORT", Integer.toString(hdfsPort), "NAS_HDFS_HTTP_PORT", Integer.toString(hdfsHttpPort)),
                cmd.toArray(String[]::new));
    }

    /** Every table's row count, read through the catalog. */
    static Map<String, String> tableCounts() {
        return withSharedSession(spark -> {
            Map<String, String> counts = new java.util.TreeMap<>();
            for (Row table : spark.sql("SHOW TABLES IN nas.nas").collectAsList()) {
                counts.put(table.getString(1), spark.sql("SELECT count(*) FROM nas.nas." + table.getString(1))
                        .first().get(0).toString());
            }
            return counts;
        });
    }

    /** One row of a query over the shared warehouse, its values joined with commas. */
    static String sharedSql(String query) {
        return withSharedSession(spark -> oneRow(query, spark.sql(query).collectAsList()));
    }

    static <T> T withSharedSession(java.util.function.Function<SparkSession, T> work) {
        Map<String, String> conf = Map.of("spark.sql.shuffle.partitions", "1",
                "spark.local.dir", StandaloneClusterIT.work.resolve("reader-local").toString());
        try {
            return SparkSessions.using(SparkOptions.of(warehouse, "local[1]", conf, profiles()),
                    "StandaloneClusterIT reader", work);
        } finally {
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

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

    static String oneRow(String query, List<Row> rows) {
        assertEquals(1, rows.size(), query + ": " + rows);
        Row r = rows.get(0);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
            values.add(String.valueOf(r.get(i)));
        }
        return String.join(",", values);
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
