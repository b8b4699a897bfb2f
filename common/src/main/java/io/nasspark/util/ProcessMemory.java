package io.nasspark.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from Linux's {@code /proc/self}: the current size and the peak
 * since the last {@link #resetPeak}. Native memory (libtorch's tensors) counts, which the JVM's
 * own counters do not see.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    /** Writing 5 here sets the peak (VmHWM) back to the current resident size. */
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** Whether this system has the counters (Linux 4.0 or later). */
    public static boolean available() {
        return Files.isReadable(STATUS) && Files.isWritable(CLEAR_REFS);
    }

    /** Sets the peak back to the current resident size. */
    public static void resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the peak resident size in " + CLEAR_REFS, e);
        }
    }

    /** Resident bytes now. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /** The most resident bytes since the last {@link #resetPeak}. */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS, e);
        }
        throw new IllegalStateException(STATUS + " has no " + name);
    }
}
