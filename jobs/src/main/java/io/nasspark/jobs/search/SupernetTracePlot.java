package io.nasspark.jobs.search;

import static org.apache.spark.sql.functions.col;

import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The thesis' Fig. 4.12 for a sweep: λ and the predicted latency of ᾱ relative to the target,
 * by step, one line per search, as a PNG beside the tables. The network each search derived is
 * a marker after its last step: where the line ends is α's argmax, the marker what the search
 * returned ({@code --derive}).
 */
final class SupernetTracePlot {

    private SupernetTracePlot() {}

    /**
     * Writes the plot of the stored searches among {@code searchIds}.
     *
     * @return the PNG's path, or null when the warehouse is not a local directory or nothing is stored
     */
    static String write(SparkSession spark, TableStore store, List<String> searchIds, String tables, String hash) {
        if (tables.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*") || !store.exists(Tables.SUPERNET_TRACE)) {
            return null;
        }
        List<Row> rows = store.read(Tables.SUPERNET_TRACE).as("t")
                .join(store.read(Tables.SUPERNET_SEARCHES).as("s"), "search_id")
                .where(col("search_id").isin(searchIds.toArray()).and(col("s.status").equalTo(Tables.OK)))
                .select(col("search_id"), col("step"), col("t.lambda"), col("t.predicted_ms"), col("s.target_ms"),
                        col("s.predicted_ms"))
                .orderBy("search_id", "step").collectAsList();
        if (rows.isEmpty()) {
            return null;
        }
        Map<String, List<double[]>> bySearch = new LinkedHashMap<>();
        Map<String, Double> derived = new LinkedHashMap<>();
        for (Row r : rows) {
            bySearch.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                    .add(new double[] {r.getInt(1), r.getDouble(2), r.getDouble(3) / r.getDouble(4)});
            derived.put(r.getString(0), r.getDouble(5) / r.getDouble(4));
        }
        XYChart lambda = chart("λ by step", "λ");
        XYChart latency = chart("predicted latency of ᾱ / target by step", "LAT(ᾱ) / T");
        for (Map.Entry<String, List<double[]>> e : bySearch.entrySet()) {
            double[] step = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            String name = e.getKey().substring(0, e.getKey().indexOf('@'));
            lambda.addSeries(name, step, e.getValue().stream().mapToDouble(v -> v[1]).toArray())
                    .setMarker(SeriesMarkers.NONE);
            latency.addSeries(name, step, e.getValue().stream().mapToDouble(v -> v[2]).toArray())
                    .setMarker(SeriesMarkers.NONE);
        }
        double[] lastSteps = bySearch.values().stream().mapToDouble(v -> v.get(v.size() - 1)[0] + 1).toArray();
        latency.addSeries("derived networks", lastSteps, derived.values().stream().mapToDouble(d -> d).toArray())
                .setMarker(SeriesMarkers.DIAMOND).setMarkerColor(java.awt.Color.BLACK)
                .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.NONE);
        Path out = Path.of(tables, "plots", "supernet-search-" + hash + ".png").toAbsolutePath();
        try {
            Files.createDirectories(out.getParent());
            BitmapEncoder.saveBitmap(List.of(lambda, latency), 2, 1, out.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + out, e);
        }
        return out.toString();
    }

    private static XYChart chart(String title, String y) {
        XYChart c = new XYChartBuilder().width(900).height(360).title(title).xAxisTitle("step").yAxisTitle(y).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        return c;
    }
}
