package dev.hearth.notebook.display;

import dev.hearth.spark.training.Charts;
import dev.hearth.spark.training.EpochResult;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Charts for notebooks, rendered headless to PNG with JFreeChart. */
public final class Plots {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;

    private Plots() {}

    /** Training loss and validation metric per epoch of one run (the chart stored beside each version). */
    public static Png learningCurve(List<EpochResult> epochs, String validationMetric) {
        return new Png(Charts.learningCurve(epochs, validationMetric));
    }

    /** A confusion-matrix heat map (rows: actual class, columns: predicted class). */
    public static Png confusionMatrix(long[][] counts, List<String> labels) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a regression model has no classes and no confusion matrix;"
                    + " plot its predictions with Plots.predictedVsActual");
        }
        if (counts.length != labels.size()) {
            throw new IllegalArgumentException(
                    "confusion matrix has " + counts.length + " rows but " + labels.size() + " labels");
        }
        return new Png(Charts.confusionMatrix(counts, labels));
    }

    /**
     * Learning curves of several runs side by side: training loss (left) and validation metric (right), one line
     * per run.
     *
     * @param runs run name (e.g. {@code fashion/2}) to its epochs, in legend order
     */
    public static Png learningCurves(Map<String, List<EpochResult>> runs, String validationMetric) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("learningCurves needs at least one run");
        }
        JFreeChart loss = lines("Training loss", "loss", runs, EpochResult::loss);
        JFreeChart validation =
                lines("Validation " + validationMetric, validationMetric, runs, EpochResult::validation);
        BufferedImage image = new BufferedImage(2 * WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.drawImage(loss.createBufferedImage(WIDTH, HEIGHT), 0, 0, null);
        g.drawImage(validation.createBufferedImage(WIDTH, HEIGHT), WIDTH, 0, null);
        g.dispose();
        return new Png(encode(image));
    }

    private static JFreeChart lines(
            String title, String axis, Map<String, List<EpochResult>> runs, ToDoubleFunction<EpochResult> y) {
        XYSeriesCollection data = new XYSeriesCollection();
        runs.forEach((name, epochs) -> {
            XYSeries s = new XYSeries(name);
            for (EpochResult e : epochs) {
                double v = y.applyAsDouble(e);
                if (!Double.isNaN(v)) {
                    s.add(e.epoch(), v);
                }
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, "epoch", axis, data, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setRenderer(new XYLineAndShapeRenderer(true, true));
        ((NumberAxis) chart.getXYPlot().getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    /**
     * A regression model's predictions against the true values (one point per row) and the line where they are
     * equal: what the confusion matrix is to a classifier.
     *
     * @param target the target's name, for the axes
     */
    public static Png predictedVsActual(double[] actual, double[] predicted, String target) {
        if (actual.length != predicted.length || actual.length == 0) {
            throw new IllegalArgumentException("predictedVsActual needs as many predictions as true values, at least"
                    + " one, but got " + predicted.length + " and " + actual.length);
        }
        XYSeries points = new XYSeries("rows");
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < actual.length; i++) {
            points.add(actual[i], predicted[i]);
            lo = Math.min(lo, Math.min(actual[i], predicted[i]));
            hi = Math.max(hi, Math.max(actual[i], predicted[i]));
        }
        XYSeries ideal = new XYSeries("predicted = true");
        ideal.add(lo, lo);
        ideal.add(hi, hi);
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(points);
        data.addSeries(ideal);
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Predicted vs true " + target,
                "true " + target,
                "predicted " + target,
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesLinesVisible(0, false);
        renderer.setSeriesShapesVisible(0, true);
        renderer.setSeriesLinesVisible(1, true);
        renderer.setSeriesShapesVisible(1, false);
        chart.getXYPlot().setRenderer(renderer);
        return new Png(encode(chart.createBufferedImage(WIDTH, HEIGHT)));
    }

    /**
     * Grouped bars: one group per metric, one bar per version.
     *
     * @param metricsByVersion version name to its metrics (e.g. {@code ModelMetadata.metrics()})
     * @param metrics the metrics to compare, in display order
     */
    public static Png metricComparison(Map<String, Map<String, Double>> metricsByVersion, List<String> metrics) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        metricsByVersion.forEach((version, values) -> {
            for (String m : metrics) {
                Double v = values.get(m);
                if (v != null && !v.isNaN()) {
                    data.addValue(v, version, m);
                }
            }
        });
        JFreeChart chart = ChartFactory.createBarChart(
                "Test metrics by version", "metric", "value", data, PlotOrientation.VERTICAL, true, false, false);
        return new Png(encode(chart.createBufferedImage(WIDTH, HEIGHT)));
    }

    /** {@code image} as PNG bytes, encoded as the training job encodes its charts. */
    static byte[] encode(BufferedImage image) {
        return Charts.png(image);
    }
}
