package io.sparkcnn.jobs.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The report's charts, drawn by JFreeChart without a display into PNG bytes. */
final class Charts {
    static final int WIDTH = 760, HEIGHT = 340;

    static {
        // a driver or a CI machine has no display: draw into images only (must precede AWT's first use)
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** A line chart over rounds: one series per entry; NaN points are left out. */
    static byte[] lines(String title, String yLabel, Map<String, double[][]> series, boolean logScale) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> s : series.entrySet()) {
            XYSeries xy = new XYSeries(s.getKey(), true, false);
            double[] x = s.getValue()[0], y = s.getValue()[1];
            for (int i = 0; i < x.length; i++) if (Double.isFinite(y[i]) && (!logScale || y[i] > 0)) xy.add(x[i], y[i]);
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "round", yLabel, data, PlotOrientation.VERTICAL,
                series.size() > 1, false, false);
        XYPlot plot = chart.getXYPlot();
        style(chart);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        NumberAxis rounds = (NumberAxis) plot.getDomainAxis();
        rounds.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        if (logScale) {
            org.jfree.chart.axis.LogAxis log = new org.jfree.chart.axis.LogAxis(yLabel);
            log.setSmallestValue(1e-12);
            plot.setRangeAxis(log);
        } else {
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, data.getItemCount(0) <= 60);
        plot.setRenderer(r);
        return png(chart);
    }

    /** Grouped bars: one group per category (class), one bar per series (precision, recall, F1). */
    static byte[] bars(String title, String yLabel, List<String> categories, Map<String, double[]> series, double max) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            for (int c = 0; c < categories.size(); c++) {
                double v = s.getValue()[c];
                data.addValue(Double.isNaN(v) ? null : v, s.getKey(), categories.get(c));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, null, yLabel, data, PlotOrientation.VERTICAL, series.size() > 1,
                false, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (max > 0) plot.getRangeAxis().setRange(0, max);
        CategoryAxis axis = plot.getDomainAxis();
        if (categories.size() > 8) axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        return png(chart);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(15f));
    }

    private static byte[] png(JFreeChart chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("drawing the chart '" + chart.getTitle().getText() + "'", e);
        }
    }
}
