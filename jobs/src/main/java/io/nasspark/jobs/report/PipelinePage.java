package io.nasspark.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.pipeline.ChosenNetworks;
import io.nasspark.jobs.pipeline.ChosenNetworks.Chosen;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.DoubleStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The top of a pipeline's report: its stages (rows, time, status), each search's best fitness by
 * generation, and the chosen networks with the latency the search saw against the measured one.
 * The Pareto plots of its analyses follow, drawn by {@link ReportJob}.
 */
final class PipelinePage {

    private final SparkSession spark;
    private final Path out;
    private final Function<String, String> esc;

    PipelinePage(SparkSession spark, Path out, Function<String, String> esc) {
        this.spark = spark;
        this.out = out;
        this.esc = esc;
    }

    /** The stages' rows of {@code pipeline}, in the order it runs them. */
    List<Row> stages(String pipeline) {
        TableStore store = new TableStore(spark);
        if (!store.exists(Tables.PIPELINE_STAGES)) {
            throw new IllegalArgumentException("no pipeline has run yet in these tables (pipeline_stages is missing)");
        }
        List<Row> rows = store.read(Tables.PIPELINE_STAGES).where(col("pipeline").equalTo(pipeline))
                .orderBy("position").collectAsList();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no pipeline " + pipeline + " in pipeline_stages");
        }
        return rows;
    }

    /** The analyses the pipeline's pareto stages wrote. */
    static List<String> analyses(List<Row> stages) {
        return outputs(stages, "pareto", "analysis");
    }

    String html(String pipeline, List<Row> stages) {
        StringBuilder h = new StringBuilder("<h1>Pipeline ").append(esc.apply(pipeline)).append("</h1>\n");
        h.append("<table><tr><th>#</th><th>stage</th><th>job</th><th>status</th><th>rows</th><th>seconds</th>"
                + "<th>finished</th><th>summary</th></tr>\n");
        for (Row s : stages) {
            String message = s.isNullAt(s.fieldIndex("message")) ? "" : s.<String>getAs("message").lines().findFirst()
                    .orElse("");
            h.append("<tr><td>").append(s.<Integer>getAs("position")).append("</td><td>").append(esc.apply(s.getAs("stage")))
                    .append("</td><td><code>").append(esc.apply(s.getAs("job"))).append("</code></td><td>")
                    .append(esc.apply(s.getAs("status"))).append("</td><td>").append(value(s, "rows_written"))
                    .append("</td><td>").append(value(s, "seconds")).append("</td><td>").append(value(s, "finished_at"))
                    .append("</td><td>").append(esc.apply(message.length() > 140 ? message.substring(0, 140) + "…"
                            : message)).append("</td></tr>\n");
        }
        h.append("</table>\n");
        List<String> analyses = analyses(stages);
        int plot = 0;
        for (String searchId : outputs(stages, "evolve", "search_id")) {
            h.append("<h2>Search ").append(esc.apply(searchId)).append("</h2>\n");
            h.append(figure(fitnessChart(searchId), "pipeline-fitness-" + plot, "Mean and best fitness of the population"
                    + " after each generation, and the best so far."));
            List<Chosen> chosen = ChosenNetworks.of(spark, searchId, analyses);
            h.append(figure(latencyChart(searchId, chosen), "pipeline-latency-" + plot++, "Chosen networks: the"
                    + " latency the search saw (its predictor's, under a predicted budget) against the measured p10"
                    + " and median; the line is equality."));
            h.append(chosenTable(chosen));
        }
        return h.toString();
    }

    private XYChart fitnessChart(String searchId) {
        List<Row> byGeneration = spark.sql("SELECT generation, max(fitness), avg(fitness) FROM "
                + IcebergCatalog.qualified(Tables.SEARCH_GENERATIONS.name()) + " WHERE search_id = '"
                + searchId.replace("'", "''") + "' AND in_population GROUP BY generation ORDER BY generation")
                .collectAsList();
        double[] generations = new double[byGeneration.size()];
        double[] best = new double[byGeneration.size()];
        double[] bestSoFar = new double[byGeneration.size()];
        double[] mean = new double[byGeneration.size()];
        double so = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < byGeneration.size(); i++) {
            generations[i] = byGeneration.get(i).getInt(0);
            best[i] = byGeneration.get(i).isNullAt(1) ? Double.NaN : byGeneration.get(i).getDouble(1);
            mean[i] = byGeneration.get(i).isNullAt(2) ? Double.NaN : byGeneration.get(i).getDouble(2);
            so = Math.max(so, best[i]);
            bestSoFar[i] = so;
        }
        XYChart chart = chart(searchId + ": fitness by generation", "generation", "fitness");
        line(chart, "mean of the population", generations, mean, new Color(150, 150, 150), false);
        line(chart, "best in population", generations, best, new Color(31, 119, 180), false);
        line(chart, "best so far", generations, bestSoFar, new Color(214, 39, 40), true);
        return chart;
    }

    private XYChart latencyChart(String searchId, List<Chosen> chosen) {
        XYChart chart = chart(searchId + ": chosen networks", "latency the search saw, ms", "measured, ms");
        List<Chosen> measured = chosen.stream().filter(c -> c.searchedMs() != null && c.measuredP10Ms() != null)
                .toList();
        if (measured.isEmpty()) {
            return chart;
        }
        double[] x = measured.stream().mapToDouble(Chosen::searchedMs).toArray();
        double[] p10 = measured.stream().mapToDouble(Chosen::measuredP10Ms).toArray();
        double[] median = measured.stream().mapToDouble(Chosen::measuredMedianMs).toArray();
        double lo = DoubleStream.of(x).min().orElse(0);
        double hi = DoubleStream.of(x).max().orElse(1);
        XYSeries equal = chart.addSeries("measured = searched", new double[] {lo, hi}, new double[] {lo, hi});
        equal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        equal.setMarker(SeriesMarkers.NONE);
        equal.setLineColor(Color.GRAY);
        scatter(chart, "measured p10", x, p10, new Color(214, 39, 40));
        scatter(chart, "measured median", x, median, new Color(31, 119, 180));
        return chart;
    }

    private static void scatter(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries points = chart.addSeries(name, x, y);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.CIRCLE);
        points.setMarkerColor(color);
    }

    private String chosenTable(List<Chosen> chosen) {
        StringBuilder t = new StringBuilder("<table><tr><th>id</th><th>arch</th><th>fitness</th><th>searched ms</th>"
                + "<th>measured p10 ms</th><th>measured median ms</th><th>top-1 %</th><th>on the front</th></tr>\n");
        for (Chosen c : chosen) {
            t.append("<tr><td><code>").append(c.id(), 0, 12).append("</code></td><td><code>")
                    .append(esc.apply(String.valueOf(c.arch()))).append("</code></td><td>").append(num(c.fitness()))
                    .append("</td><td>").append(num(c.searchedMs())).append("</td><td>").append(num(c.measuredP10Ms())).append("</td><td>").append(num(c.measuredMedianMs()))
                    .append("</td><td>").append(num(c.top1())).append("</td><td>")
                    .append(c.onFront() == null ? "" : c.onFront() ? "yes" : "no").append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private String figure(XYChart chart, String file, String caption) {
        ChartFiles.save(chart, out, file);
        return "<figure><img src=\"" + file + ".png\" alt=\"" + esc.apply(caption) + "\"><figcaption>" + esc.apply(caption)
                + " <a href=\"" + file + ".svg\">SVG</a></figcaption></figure>\n";
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
        return chart;
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color color, boolean thick) {
        if (x.length == 0) {
            return;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineStyle(new BasicStroke(thick ? 2.5f : 1.5f));
    }

    private static List<String> outputs(List<Row> stages, String job, String output) {
        List<String> values = new ArrayList<>();
        for (Row s : stages) {
            Map<String, String> outputs = s.isNullAt(s.fieldIndex("outputs")) ? Map.of()
                    : s.getJavaMap(s.fieldIndex("outputs"));
            if (job.equals(s.getAs("job")) && outputs.get(output) != null) {
                values.add(outputs.get(output));
            }
        }
        return values;
    }

    private static String value(Row r, String column) {
        Object v = r.get(r.fieldIndex(column));
        if (v == null) {
            return "";
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ');
        }
        return v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(v);
    }

    private static String num(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4g", v);
    }
}
