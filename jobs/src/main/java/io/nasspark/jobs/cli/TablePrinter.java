package io.nasspark.jobs.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints query results for people (an aligned table) and for scripts (CSV, JSON lines). */
public final class TablePrinter {

    /** Output formats of {@code nas sql}. */
    public enum Format {
        table,
        csv,
        json
    }

    private TablePrinter() {}

    /**
     * Prints up to {@code limit} rows of {@code data} (all when {@code limit} is 0), streaming
     * them partition by partition so a large result never sits on the driver whole. A table cut
     * short says how many rows there are.
     */
    public static void print(Dataset<Row> data, Format format, int limit, PrintWriter out) {
        Dataset<Row> rows = limit > 0 ? data.limit(limit) : data;
        switch (format) {
            case json -> rows.toJSON().toLocalIterator().forEachRemaining(out::println);
            case csv -> {
                out.println(csvLine(List.of(data.columns())));
                Iterator<Row> it = rows.toLocalIterator();
                while (it.hasNext()) {
                    out.println(csvLine(cells(it.next())));
                }
            }
            case table -> {
                // one row past the limit tells whether the table is cut short, and only then is it counted
                List<Row> first = (limit > 0 ? data.limit(limit + 1) : data).collectAsList();
                boolean cut = limit > 0 && first.size() > limit;
                out.print(table(data.columns(), cut ? first.subList(0, limit) : first,
                        cut ? data.count() : first.size()));
            }
        }
        out.flush();
    }

    /** An aligned text table with a header; numbers right-aligned. */
    public static String table(String[] header, List<Row> rows) {
        return table(header, rows, rows.size());
    }

    /** The same, saying so when {@code rows} are only the first of {@code total}. */
    static String table(String[] header, List<Row> rows, long total) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(cells(r));
        }
        int[] width = new int[header.length];
        boolean[] numeric = new boolean[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            numeric[c] = !rows.isEmpty();
            for (int r = 0; r < rows.size(); r++) {
                width[c] = Math.max(width[c], cells.get(r).get(c).length());
                Object v = rows.get(r).get(c);
                numeric[c] &= v == null || v instanceof Number;
            }
        }
        StringBuilder sb = new StringBuilder();
        appendLine(sb, List.of(header), width, new boolean[header.length]);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        appendLine(sb, rule, width, new boolean[header.length]);
        for (List<String> line : cells) {
            appendLine(sb, line, width, numeric);
        }
        if (total > rows.size()) {
            sb.append(String.format(Locale.ROOT, "(showing %,d of %,d rows; --limit 0 prints all)%n", rows.size(), total));
        } else {
            sb.append("(").append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
        }
        return sb.toString();
    }

    private static void appendLine(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            sb.append(c == 0 ? "" : "  ").append(right[c] ? pad + cell : cell + pad);
        }
        sb.append('\n');
    }

    private static List<String> cells(Row r) {
        List<String> out = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.add(r.isNullAt(i) ? "" : String.valueOf(r.get(i)));
        }
        return out;
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>(cells.size());
        for (String c : cells) {
            boolean quote = c.contains(",") || c.contains("\"") || c.contains("\n");
            quoted.add(quote ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
        }
        return String.join(",", quoted);
    }
}
