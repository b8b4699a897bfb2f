package io.nasspark.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.report.FrontChart.Answer;
import io.nasspark.jobs.report.FrontChart.Point;
import io.nasspark.pareto.Budget;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas report}: an HTML page over the stored Pareto analyses, one plot per group (PNG and
 * SVG beside the page) with its summary and the members of its first front.
 */
@Command(name = "report",
        description = "Write an HTML report of the Pareto analyses: per group a plot (PNG and SVG), the summary"
                + " and the first front's members.",
        mixinStandardHelpOptions = true)
public final class ReportJob extends SparkJob {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for index.html and the plots.")
    Path out;

    @Option(names = "--analysis", paramLabel = "NAME", description = "Only this analysis (default: all).")
    String analysis;

    @Option(names = "--pipeline", paramLabel = "NAME",
            description = "A pipeline's page: its stages, its searches' fitness by generation, its chosen networks'"
                    + " latency against the measured one, then the Pareto plots of its analyses.")
    String pipeline;

    @Option(names = "--max-rows", defaultValue = "200", paramLabel = "N",
            description = "Front members listed per group (default: ${DEFAULT-VALUE}).")
    int maxRows;

    @Override
    protected void validate() {
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + out + " cannot be created: " + e.getMessage());
        }
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        TableStore store = new TableStore(spark);
        StringBuilder html = new StringBuilder(HEAD);
        List<String> analyses = analysis == null ? null : List.of(analysis);
        if (pipeline != null) {
            PipelinePage page = new PipelinePage(spark, out, ReportJob::esc);
            List<Row> stages = page.stages(pipeline);
            html.append(page.html(pipeline, stages));
            analyses = analysis == null ? PipelinePage.analyses(stages) : analyses;
        } else {
            html.append(PARETO_TITLE);
        }
        List<Row> groups = groups(store, analyses);
        int plots = 0;
        for (Row s : groups) {
            html.append(section(store, s, plots++));
        }
        html.append("</body></html>\n");
        try {
            Files.writeString(out.resolve("index.html"), html);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        output("out", out.toString());
        return new Outcome(0, String.format(Locale.ROOT, "report: %s%d group(s) of %d analysis(es) in %s (open"
                + " index.html; plots as PNG and SVG beside it)", pipeline == null ? "" : "pipeline " + pipeline
                + ", ", groups.size(), groups.stream().map(r -> r.getString(0)).distinct().count(),
                out.toAbsolutePath().resolve("index.html")));
    }

    /** The summaries of {@code analyses} (all when null); none is an error unless a pipeline's page has others. */
    private List<Row> groups(TableStore store, List<String> analyses) {
        if (pipeline != null && analyses.isEmpty()) {
            return List.of();
        }
        if (!store.exists(Tables.PARETO_SUMMARY)) {
            throw new IllegalArgumentException("no Pareto analyses stored yet; run pareto first");
        }
        Dataset<Row> summaries = store.read(Tables.PARETO_SUMMARY);
        if (analyses != null) {
            summaries = summaries.where(col("analysis").isin(analyses.toArray()));
        }
        List<Row> groups = summaries.orderBy("analysis", "grp").collectAsList();
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no analysis " + String.join(", ", analyses) + " in pareto_summary");
        }
        return groups;
    }

    private String section(TableStore store, Row s, int index) {
        String name = s.getAs("analysis");
        String grp = s.getAs("grp");
        List<String> objectives = Arrays.stream(s.<String>getAs("objectives").split(","))
                .map(o -> o.substring(0, o.lastIndexOf(':'))).toList();
        StringBuilder h = new StringBuilder("<section><h2>").append(esc(name)).append(" &middot; ").append(esc(grp))
                .append("</h2>\n");
        h.append(summaryTable(s));
        if (!"ok".equals(s.getAs("status"))) {
            return h.append("<p class=note>No row of this group had every objective.</p></section>\n").toString();
        }
        List<Row> members = store.read(Tables.PARETO).where(col("analysis").equalTo(name).and(col("grp").equalTo(grp)))
                .select("id", "arch", "front_rank", "crowding_distance", "objective_values").collectAsList();
        String x = objectives.get(0);
        String y = objectives.get(1);
        List<Point> others = new ArrayList<>();
        List<Point> later = new ArrayList<>();
        List<Row> front = new ArrayList<>();
        for (Row m : members) {
            int rank = m.getInt(2);
            (rank == 0 ? others : later).add(point(m, x, y));
            if (rank == 1) {
                front.add(m);
            }
        }
        later.removeAll(front.stream().map(m -> point(m, x, y)).toList());
        String kneeId = s.getAs("knee_id");
        Point knee = front.stream().filter(m -> m.getString(0).equals(kneeId)).map(m -> point(m, x, y)).findFirst()
                .orElse(null);
        List<Answer> answers = answers(s, front, objectives, x, y);
        XYChart chart = FrontChart.of(name + " · " + grp + (objectives.size() > 2 ? " (first two objectives)" : ""),
                x, y, others, later, front.stream().map(m -> point(m, x, y)).toList(), knee, answers);
        String file = String.format(Locale.ROOT, "plot-%03d", index);
        ChartFiles.save(chart, out, file);
        h.append("<figure><img src=\"").append(file).append(".png\" alt=\"front of ").append(esc(grp))
                .append("\"><figcaption>Faint: a sample of all points; blue: fronts 2 and beyond that were kept; red:"
                        + " the first front; orange diamond: the knee; green square: budget answers. <a href=\"")
                .append(file).append(".svg\">SVG</a> &middot; <a href=\"").append(file).append(".png\">PNG</a>")
                .append("</figcaption></figure>\n");
        front.sort(Comparator.comparingDouble(m -> value(m, x)));
        boolean arch = front.stream().anyMatch(m -> !m.isNullAt(1));
        h.append("<details open><summary>First front: ").append(front.size()).append(" members</summary><table><tr>"
                + "<th>id</th>").append(arch ? "<th>arch</th>" : "");
        objectives.forEach(o -> h.append("<th>").append(esc(o)).append("</th>"));
        h.append("<th>crowding</th></tr>\n");
        for (Row m : front.subList(0, Math.min(maxRows, front.size()))) {
            h.append("<tr").append(m.getString(0).equals(kneeId) ? " class=knee" : "").append("><td><code>")
                    .append(esc(m.getString(0).length() > 12 ? m.getString(0).substring(0, 12) : m.getString(0)))
                    .append("</code></td>").append(arch ? "<td><code>" + esc(m.getString(1)) + "</code></td>" : "");
            objectives.forEach(o -> h.append("<td>").append(num(value(m, o))).append("</td>"));
            h.append("<td>").append(num(m.getDouble(3))).append("</td></tr>\n");
        }
        return h.append("</table></details></section>\n").toString();
    }

    private static List<Answer> answers(Row s, List<Row> front, List<String> objectives, String x, String y) {
        List<Answer> answers = new ArrayList<>();
        List<String> texts = s.getList(s.fieldIndex("budgets"));
        List<String> ids = s.getList(s.fieldIndex("budget_ids"));
        for (int i = 0; i < texts.size(); i++) {
            String id = ids.get(i);
            Point at = front.stream().filter(m -> m.getString(0).equals(id)).map(m -> point(m, x, y)).findFirst()
                    .orElse(null);
            Budget b = Budget.parse(texts.get(i).substring(0, texts.get(i).indexOf(':')), objectives);
            answers.add(new Answer(at, texts.get(i), b.objective() == 0 ? b.bound() : null,
                    b.objective() == 1 ? b.bound() : null));
        }
        return answers;
    }

    private static String summaryTable(Row s) {
        StringBuilder t = new StringBuilder("<table class=summary>");
        row(t, "objectives", s.getAs("objectives"));
        row(t, "rows", String.format(Locale.ROOT, "%,d (%,d excluded: a null or NaN objective)",
                s.<Long>getAs("input_rows"), s.<Long>getAs("excluded_rows")));
        row(t, "first front", s.getAs("front_size") + " members");
        if ("ok".equals(s.getAs("status"))) {
            row(t, "hypervolume", num(s.getAs("hypervolume")) + " against " + values(s.getJavaMap(s.fieldIndex("reference_point")))
                    + (s.<Boolean>getAs("reference_derived") ? " (derived: worst + 10% of the range)" : " (given)"));
            row(t, "knee", values(s.getJavaMap(s.fieldIndex("knee"))) + " (" + s.getAs("knee_id") + ")");
            List<String> budgets = s.getList(s.fieldIndex("budgets"));
            if (!budgets.isEmpty()) {
                row(t, "budgets", String.join("<br>", budgets.stream().map(ReportJob::esc).toList()));
            }
        }
        return t.append("</table>\n").toString();
    }

    private static void row(StringBuilder t, String k, Object v) {
        t.append("<tr><th>").append(k).append("</th><td>").append(v instanceof String str && !k.equals("budgets")
                ? esc(str) : String.valueOf(v)).append("</td></tr>");
    }

    private static String values(Map<String, Double> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(k + " " + num(v)));
        return String.join(", ", parts);
    }

    private static Point point(Row m, String x, String y) {
        return new Point(value(m, x), value(m, y));
    }

    private static double value(Row m, String objective) {
        Map<String, Double> values = m.getJavaMap(4);
        return values.get(objective);
    }

    private static String num(Object v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.5g", ((Number) v).doubleValue());
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String HEAD = """
            <!doctype html><html><head><meta charset="utf-8"><title>Pareto report</title><style>
            body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}
            h1{font-size:1.6em} h2{font-size:1.2em;border-top:1px solid #ddd;padding-top:1em}
            table{border-collapse:collapse;font-size:.9em;margin:.5em 0} td,th{padding:2px 8px;text-align:left}
            table.summary th{color:#555;font-weight:normal} tr.knee{background:#fff3d6}
            figure{margin:1em 0} img{max-width:100%;border:1px solid #eee} figcaption{font-size:.85em;color:#555}
            code{font-size:.85em} .note{color:#a00}
            </style></head><body>
            """;

    private static final String PARETO_TITLE = """
            <h1>Pareto fronts</h1>
            <p>Written by <code>nas report</code> from the <code>pareto</code> and <code>pareto_summary</code> tables.</p>
            """;
}
