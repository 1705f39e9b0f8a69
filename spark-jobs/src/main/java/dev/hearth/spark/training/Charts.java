package dev.hearth.spark.training;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts stored beside a model: the learning curve and the confusion matrix. Headless. */
public final class Charts {
    private Charts() {}

    /** Training loss (left axis) and validation metric (right axis) per epoch. */
    public static byte[] learningCurve(List<EpochResult> epochs, String validationName) {
        XYSeries loss = new XYSeries("training loss");
        XYSeries validation = new XYSeries("validation " + validationName);
        for (EpochResult e : epochs) {
            // A diverged epoch (NaN or infinite values) is left out of the chart rather than breaking its axes.
            if (Double.isFinite(e.loss())) {
                loss.add(e.epoch(), e.loss());
            }
            if (Double.isFinite(e.validation())) {
                validation.add(e.epoch(), e.validation());
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Learning curve",
                "epoch",
                "training loss",
                new XYSeriesCollection(loss),
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(0, new XYLineAndShapeRenderer(true, true));
        if (validation.getItemCount() > 0) {
            NumberAxis right = new NumberAxis("validation " + validationName);
            right.setAutoRangeIncludesZero(false);
            plot.setRangeAxis(1, right);
            plot.setDataset(1, new XYSeriesCollection(validation));
            plot.mapDatasetToRangeAxis(1, 1);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            r.setSeriesPaint(0, new Color(0, 120, 60));
            plot.setRenderer(1, r);
        }
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return png(chart.createBufferedImage(720, 420));
    }

    /** A heat map of counts, rows = actual class, columns = predicted class. */
    public static byte[] confusionMatrix(long[][] counts, List<String> labels) {
        int n = labels.size();
        int cell = Math.max(24, Math.min(64, 640 / Math.max(1, n)));
        int margin = 110;
        int size = margin + n * cell + 20;
        BufferedImage img = new BufferedImage(size, size + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        long max = 1;
        for (long[] row : counts) {
            for (long c : row) {
                max = Math.max(max, c);
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, cell / 3)));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float shade = (float) counts[i][j] / max;
                g.setColor(new Color(1f - 0.8f * shade, 1f - 0.55f * shade, 1f - 0.15f * shade));
                g.fillRect(margin + j * cell, margin + i * cell, cell, cell);
                g.setColor(shade > 0.6f ? Color.WHITE : Color.DARK_GRAY);
                g.drawString(Long.toString(counts[i][j]), margin + j * cell + 3, margin + i * cell + cell / 2 + 4);
            }
            g.setColor(Color.BLACK);
            g.drawString(abbreviate(labels.get(i)), 8, margin + i * cell + cell / 2 + 4);
            g.drawString(abbreviate(labels.get(i)), margin + i * cell + 2, margin - 8);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Confusion matrix (rows: actual, columns: predicted)", 8, 20);
        g.dispose();
        return png(img);
    }

    private static String abbreviate(String s) {
        return s.length() <= 10 ? s : s.substring(0, 9) + "…";
    }

    /** {@code image} as PNG bytes (also the notebooks' one PNG encoder). */
    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
