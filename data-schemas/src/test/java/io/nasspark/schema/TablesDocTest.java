package io.nasspark.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/tables.md} must show the schemas {@link Tables} defines. With
 * {@code -Dnas.writeDocs=true} the test rewrites the page's generated part instead of comparing.
 */
class TablesDocTest {

    private static final String REGENERATE =
            "mvn -o -q -pl data-schemas test -Dtest=TablesDocTest -Dnas.writeDocs=true";

    private static Path page() {
        return Path.of(System.getProperty("basedir", ".")).resolve("../docs/tables.md").normalize();
    }

    @Test
    void docsTablesMdShowsTheSchemasOfTables() throws IOException {
        Path page = page();
        String generated = TablesDoc.render();
        if (Boolean.getBoolean("nas.writeDocs")) {
            String text = Files.exists(page)
                    ? Files.readString(page, StandardCharsets.UTF_8)
                    : "# Tables\n\n" + TablesDoc.BEGIN + "\n" + TablesDoc.END + "\n";
            Files.writeString(page, TablesDoc.splice(text, generated), StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(page), page + " is missing; write it with: " + REGENERATE);
        String stored = TablesDoc.generatedPart(Files.readString(page, StandardCharsets.UTF_8));
        assertEquals(generated, stored, page + " does not match the schemas in Tables;"
                + " regenerate its generated part with: " + REGENERATE);
    }

    @Test
    void everyTableAndColumnIsListedWithItsDescription() {
        String md = TablesDoc.render();
        for (TableSchema t : Tables.all()) {
            assertTrue(md.contains("\n### " + t.name() + "\n"), t.name());
            for (StructField f : t.schema().fields()) {
                assertTrue(md.contains("| `" + f.name() + "`"), t.name() + "." + f.name());
            }
        }
        assertTrue(md.contains("| `predictor_id` (key) | `string` | unique id of the predictor |"), md);
    }

    @Test
    void cellsEscapeWhatMarkdownWouldMisread() {
        String md = TablesDoc.render();
        // "imported:<file>" would be read as an HTML tag.
        assertTrue(md.contains("imported:&lt;file&gt;"), md);
    }

    @Test
    void spliceKeepsTheHandWrittenPartAndRoundTrips() {
        String page = "# Tables\n\nintro\n\n" + TablesDoc.BEGIN + "\nold\n" + TablesDoc.END + "\n";
        String spliced = TablesDoc.splice(page, "new\n");
        assertTrue(spliced.startsWith("# Tables\n\nintro\n\n"), spliced);
        assertEquals("new\n", TablesDoc.generatedPart(spliced));
        assertEquals(spliced, TablesDoc.splice(spliced, "new\n"));
    }
}
