package io.nasspark.latency;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a latency was measured on: engine, CPU, cores, operating system and JVM of the process
 * that measured it. The label names the group whose latencies compare with one another.
 */
public record DeviceProfile(
        String engine, String cpuModel, int cpuCores, int threads, String os, String jvm, String host) {

    /** The profile of this process with {@code threads} intra-op threads. */
    public static DeviceProfile current(int threads) {
        Engine e = Engine.getEngine("PyTorch");
        return new DeviceProfile(
                e.getEngineName() + " " + e.getVersion() + " (DJL " + Engine.getDjlVersion() + ")",
                readCpuModel(),
                Runtime.getRuntime().availableProcessors(),
                threads,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                hostName());
    }

    /**
     * For example {@code AMD EPYC 7B13 / 1 thread / PyTorch 2.7.1}: what must match for two
     * latencies to be compared. Host, OS and JVM are recorded but left out, so a cluster of
     * identical machines is one device.
     */
    public String label() {
        String engineShort = engine.contains(" (") ? engine.substring(0, engine.indexOf(" (")) : engine;
        return String.format(Locale.ROOT, "%s / %d thread%s / %s", cpuModel, threads,
                threads == 1 ? "" : "s", engineShort);
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException | SecurityException e) {
            // Not Linux, or not readable: fall through to what the JVM knows.
        }
        return System.getProperty("os.arch") + " cpu";
    }

    /** Read from the kernel: asking the resolver could send a DNS query. */
    public static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | SecurityException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }
}
