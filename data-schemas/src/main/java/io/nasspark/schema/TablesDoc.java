package io.nasspark.schema;

import java.util.List;
import org.apache.spark.sql.types.StructField;

/**
 * The reference part of {@code docs/tables.md}, rendered from {@link Tables#all()}: per table its
 * name, schema version, description, key and columns with their types and descriptions (the
 * comments {@code Tables} gives every column). The page keeps a hand-written introduction above
 * {@link #BEGIN}; everything between {@link #BEGIN} and {@link #END} is this class's output, and
 * {@code TablesDocTest} fails when the page and the schemas differ.
 */
public final class TablesDoc {

    private TablesDoc() {}

    /** Marker line that opens the generated part of the page. */
    public static final String BEGIN =
            "<!-- generated from Tables.all() by io.nasspark.schema.TablesDoc: do not edit by hand -->";
    /** Marker line that closes the generated part of the page. */
    public static final String END = "<!-- end of the generated part -->";

    /** The generated part, markers excluded: an index of the tables, then one section per table. */
    public static String render() {
        return render(Tables.all());
    }

    /** The generated part for {@code tables}, in their order. */
    static String render(List<TableSchema> tables) {
        StringBuilder md = new StringBuilder();
        md.append("| table | key | what a row is |\n");
        md.append("| --- | --- | --- |\n");
        for (TableSchema t : tables) {
            md.append("| [`").append(t.name()).append("`](#").append(t.name()).append(") | ")
                    .append(codeList(t.key())).append(" | ").append(cell(t.description())).append(" |\n");
        }
        for (TableSchema t : tables) {
            md.append("\n### ").append(t.name()).append("\n\n");
            md.append(cell(sentence(t.description()))).append(".\n\n");
            md.append("Schema version ").append(t.version()).append(". Key: ").append(codeList(t.key()))
                    .append(".\n\n");
            md.append("| column | type | description |\n");
            md.append("| --- | --- | --- |\n");
            for (StructField f : t.schema().fields()) {
                String name = "`" + f.name() + "`" + (t.key().contains(f.name()) ? " (key)" : "");
                String comment = f.getComment().isDefined() ? f.getComment().get() : "";
                md.append("| ").append(name).append(" | `").append(f.dataType().simpleString()).append("` | ")
                        .append(cell(comment)).append(" |\n");
            }
        }
        return md.toString();
    }

    /**
     * {@code page} with its generated part replaced by {@code generated}.
     *
     * @throws IllegalArgumentException when the page lacks either marker line
     */
    public static String splice(String page, String generated) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the page has no generated part: it needs the line " + BEGIN
                    + " and, after it, the line " + END);
        }
        return page.substring(0, begin) + BEGIN + "\n\n" + generated + "\n" + page.substring(end);
    }

    /** The generated part of {@code page}, as {@link #splice} writes it: what {@link #render()} gave. */
    public static String generatedPart(String page) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the page has no generated part: it needs the line " + BEGIN
                    + " and, after it, the line " + END);
        }
        String part = page.substring(begin + BEGIN.length(), end);
        return part.startsWith("\n\n") && part.endsWith("\n") ? part.substring(2, part.length() - 1) : part;
    }

    private static String sentence(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String codeList(List<String> columns) {
        return String.join(", ", columns.stream().map(c -> "`" + c + "`").toList());
    }

    /** Text for a Markdown table cell: a pipe would end the cell, and {@code <x>} would be read as HTML. */
    private static String cell(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
                .replace("\n", " ");
    }
}
