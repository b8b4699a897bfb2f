package io.nasspark.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One group's plot: every sampled point faint, the kept fronts beyond the first lighter, the first
 * front as a highlighted staircase, the knee and the budget answers marked, and each budget's
 * bound as a dashed line when it is on a plotted axis.
 */
final class FrontChart {

    /** A point to plot: its two plotted objective values. */
    record Point(double x, double y) {}

    /** A budget answer: where it is, its label, and the bound if it is on the x or y axis. */
    record Answer(Point at, String label, Double xBound, Double yBound) {}

    private FrontChart() {}

    static XYChart of(String title, String xName, String yName, List<Point> others, List<Point> laterFronts,
            List<Point> front, Point knee, List<Answer> answers) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle(xName).yAxisTitle(yName)
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setMarkerSize(5);
        scatter(chart, "all points (sample)", others, new Color(120, 120, 120, 60));
        scatter(chart, "fronts 2..R", laterFronts, new Color(70, 110, 200, 110));
        List<Point> sorted = front.stream().sorted(java.util.Comparator.comparingDouble(Point::x)).toList();
        if (!sorted.isEmpty()) {
            XYSeries f = chart.addSeries("first front", sorted.stream().mapToDouble(Point::x).toArray(),
                    sorted.stream().mapToDouble(Point::y).toArray());
            f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            f.setLineColor(new Color(214, 39, 40));
            f.setMarkerColor(new Color(214, 39, 40));
            f.setMarker(SeriesMarkers.CIRCLE);
            f.setLineStyle(new BasicStroke(2f));
        }
        if (knee != null) {
            XYSeries k = chart.addSeries("knee", new double[] {knee.x()}, new double[] {knee.y()});
            k.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            k.setMarker(SeriesMarkers.DIAMOND);
            k.setMarkerColor(new Color(255, 160, 0));
        }
        int n = 0;
        for (Answer a : answers) {
            n++;
            if (a.at() != null) {
                XYSeries s = chart.addSeries(a.label(), new double[] {a.at().x()}, new double[] {a.at().y()});
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.SQUARE);
                s.setMarkerColor(new Color(44, 160, 44));
            }
            if (a.xBound() != null || a.yBound() != null) {
                double[] xs = a.xBound() != null ? new double[] {a.xBound(), a.xBound()} : range(true, front, others);
                double[] ys = a.yBound() != null ? new double[] {a.yBound(), a.yBound()} : range(false, front, others);
                XYSeries line = chart.addSeries("bound " + n, xs, ys);
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineColor(new Color(44, 160, 44));
                line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f));
                line.setShowInLegend(false);
            }
        }
        return chart;
    }

    private static double[] range(boolean x, List<Point> front, List<Point> others) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<Point> list : List.of(front, others)) {
            for (Point p : list) {
                double v = x ? p.x() : p.y();
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return new double[] {lo, hi};
    }

    private static void scatter(XYChart chart, String name, List<Point> points, Color color) {
        if (points.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, points.stream().mapToDouble(Point::x).toArray(),
                points.stream().mapToDouble(Point::y).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }
}
