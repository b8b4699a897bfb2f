package io.nasspark.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code nas} command in a JVM of its own, with this JVM's classpath and module options,
 * its output in {@code dir/NAME.out} and {@code NAME.err}.
 *
 * @param dir working directory and where the output files go
 * @param master the child's Spark master
 * @param limitSeconds a child still running after this long is killed: tests stop by themselves
 */
public record NasProcess(Path dir, String master, long limitSeconds) {

    /** Runs {@code nas args…} to the end, named after the job. */
    public Process run(String... args) throws IOException, InterruptedException {
        Process p = start(args[0], args);
        if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("nas " + args[0] + " did not finish in " + limitSeconds + " s");
        }
        return p;
    }

    /** Starts {@code nas args…} with its output in {@code dir/name.out} and {@code name.err}. */
    public Process start(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NasCli.class.getName());
        command.addAll(List.of(args));
        command.add("--master");
        command.add(master);
        command.add("--conf");
        command.add("spark.local.dir=" + dir.resolve("spark-local"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }
}
