package io.nasspark.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** The public benchmark data in {@code ../shared/data} beside the repository (CI has it there too). */
public final class SharedData {

    private SharedData() {}

    /** {@code ../shared/data/NAME}, found from the module's or the repository's directory. */
    public static Path file(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("data").resolve(name);
            if (Files.isReadable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/data/" + name + " is not beside the repository; the tests read the"
                + " public benchmark data there (see ../shared/data/README.md)");
    }

    /**
     * Writes a CSV (arch, device, latency_ms) of the published NAS-Bench-201 device latencies:
     * the first {@code cells} cells of the file on each of {@code devices}.
     */
    public static Path deviceLatencies(Path dir, Set<String> devices, int cells) {
        Map<String, List<String>> byDevice = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file("nb201-device-latency.csv.gz"))), StandardCharsets.UTF_8))) {
            String header = in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",");
                if (devices.contains(f[1])) {
                    List<String> rows = byDevice.computeIfAbsent(f[1], d -> new ArrayList<>());
                    if (rows.size() < cells) {
                        rows.add(line);
                    }
                }
            }
            List<String> out = new ArrayList<>(List.of(header));
            byDevice.values().forEach(out::addAll);
            Path csv = dir.resolve("device-latency.csv");
            Files.write(csv, out);
            return csv;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
