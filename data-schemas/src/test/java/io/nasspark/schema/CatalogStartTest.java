package io.nasspark.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs started at once on a fresh warehouse all find a complete catalog. */
class CatalogStartTest {

    private static final int PROCESSES = 4;

    @TempDir
    Path tmp;

    @Test
    void processesStartingAtOnceOnAFreshWarehouseAllSucceed() throws Exception {
        Path warehouse = Files.createDirectories(tmp.resolve("tables"));
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            started.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), StartCatalog.class.getName(), warehouse.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("start-" + i + ".log").toFile())
                    .start());
        }
        for (int i = 0; i < PROCESSES; i++) {
            Process p = started.get(i);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "process " + i + " did not finish");
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("start-" + i + ".log")));
        }
        assertEquals(List.of("iceberg_type"), icebergTypeColumn(warehouse.resolve(IcebergCatalog.CATALOG_FILE).toFile()));
    }

    private static List<String> icebergTypeColumn(File catalog) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
                ResultSet rs = c.createStatement().executeQuery("PRAGMA table_info(iceberg_tables)")) {
            while (rs.next()) {
                if (rs.getString("name").equals("iceberg_type")) {
                    found.add(rs.getString("name"));
                }
            }
        }
        return found;
    }

    /** One job's start: initialises the embedded catalog of the warehouse in args[0]. */
    public static final class StartCatalog {
        public static void main(String[] args) {
            IcebergCatalog.initializeEmbedded(Path.of(args[0]));
        }
    }
}
