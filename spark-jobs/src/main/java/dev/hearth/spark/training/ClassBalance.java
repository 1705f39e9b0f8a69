package dev.hearth.spark.training;

import static dev.hearth.spark.training.TrainSettings.TRAIN_CLASS_WEIGHTS;
import static dev.hearth.spark.training.TrainSettings.TRAIN_IMBALANCE_WARN_RATIO;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.LabelledRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class balance of the training split: its class counts are logged with the imbalance ratio (a warning past
 * {@code train.class.imbalance.warn.ratio}), and {@code train.class.weights} turns into per-class weights of the loss.
 * The setting is validated when the job starts, before any data is read; label names are checked once the classes
 * are known.
 */
final class ClassBalance {
    private static final Logger LOG = LoggerFactory.getLogger(ClassBalance.class);

    private final String mode;
    private final Map<String, Double> explicit;
    private final double warnRatio;

    private ClassBalance(String mode, Map<String, Double> explicit, double warnRatio) {
        this.mode = mode;
        this.explicit = explicit;
        this.warnRatio = warnRatio;
    }

    /** Parses {@code train.class.weights} and the warning ratio; weights need a classification head. */
    static ClassBalance of(Settings s, boolean classification) {
        double ratio = s.getDouble(TRAIN_IMBALANCE_WARN_RATIO, 1, Double.MAX_VALUE);
        String v = s.get(TRAIN_CLASS_WEIGHTS).strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (v.isEmpty() || lower.equals("none")) {
            return new ClassBalance("none", Map.of(), ratio);
        }
        if (!classification) {
            throw new SettingsException(TRAIN_CLASS_WEIGHTS + " applies to a classification head but is '" + v
                    + "' with a regression head; set it to none");
        }
        if (lower.equals("auto")) {
            return new ClassBalance("auto", Map.of(), ratio);
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String entry : v.split(",")) {
            int colon = entry.lastIndexOf(':');
            String label = colon < 0
                    ? ""
                    : LabelEncoding.canonical(entry.substring(0, colon).strip());
            if (label.isEmpty()) {
                throw new SettingsException(TRAIN_CLASS_WEIGHTS + " must be none, auto or label:weight,... but entry '"
                        + entry.strip() + "' of '" + v + "' is not label:weight");
            }
            double w;
            try {
                w = Double.parseDouble(entry.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                w = Double.NaN;
            }
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new SettingsException(
                        TRAIN_CLASS_WEIGHTS + " entry '" + entry.strip() + "' must have a finite weight > 0");
            }
            if (weights.put(label, w) != null) {
                throw new SettingsException(TRAIN_CLASS_WEIGHTS + " names class '" + label + "' twice in '" + v + "'");
            }
        }
        return new ClassBalance("explicit", weights, ratio);
    }

    /** Rows per class label in {@code rows}, sorted by label (one Spark job). */
    static Map<String, Long> count(JavaRDD<LabelledRow> rows) {
        return new TreeMap<>(rows.map(LabelledRow::label).countByValue());
    }

    /**
     * What {@link #report} logged.
     *
     * @param counts rows per class of the model, in label order (0 for a class the data lacks)
     * @param ratio rows of the largest over the smallest class present (1 for one class, NaN for none)
     * @param warning the imbalance warning, or null when the ratio is within the limit
     */
    record Imbalance(Map<String, Long> counts, double ratio, String warning) {}

    /**
     * Logs the counts of {@code labels} (0 for a class of the model that the data lacks) and the imbalance ratio
     * of the classes present; warns past the configured ratio.
     */
    Imbalance report(Map<String, Long> counts, List<String> labels) {
        Map<String, Long> shown = new LinkedHashMap<>();
        String largest = null;
        String smallest = null;
        for (String label : labels) {
            long n = counts.getOrDefault(label, 0L);
            shown.put(label, n);
            if (n == 0) {
                continue;
            }
            if (largest == null || n > shown.get(largest)) {
                largest = label;
            }
            if (smallest == null || n < shown.get(smallest)) {
                smallest = label;
            }
        }
        if (largest == null) {
            return new Imbalance(shown, Double.NaN, null);
        }
        double ratio = (double) shown.get(largest) / shown.get(smallest);
        LOG.info(
                "Training split class counts {} (largest/smallest {})",
                shown.size() <= 50 ? shown : shown.size() + " classes",
                String.format(Locale.ROOT, "%.2f", ratio));
        String warning = null;
        if (ratio > warnRatio) {
            warning = String.format(
                    Locale.ROOT,
                    "Class imbalance: class '%s' has %.1f times the rows of class '%s' "
                            + "(%d vs %d; %s is %s): accuracy flatters the majority class; watch per-class recall and "
                            + "consider %s=auto",
                    largest,
                    ratio,
                    smallest,
                    shown.get(largest),
                    shown.get(smallest),
                    TRAIN_IMBALANCE_WARN_RATIO,
                    warnRatio,
                    TRAIN_CLASS_WEIGHTS);
            LOG.warn("{}", warning);
        }
        return new Imbalance(shown, ratio, warning);
    }

    /**
     * Per-class loss weights in {@code labels} order, or null for unweighted. {@code auto} gives each class the
     * same total weight ({@code rows / (classes present x class rows)}); a class without rows keeps weight 1.
     *
     * @throws SettingsException when an explicit weight names a class that is not one of {@code labels}
     */
    double[] weights(List<String> labels, Map<String, Long> counts) {
        if (mode.equals("none")) {
            return null;
        }
        double[] w = new double[labels.size()];
        if (mode.equals("auto")) {
            long total = 0;
            int present = 0;
            for (String label : labels) {
                long n = counts.getOrDefault(label, 0L);
                total += n;
                present += n > 0 ? 1 : 0;
            }
            for (int i = 0; i < w.length; i++) {
                long n = counts.getOrDefault(labels.get(i), 0L);
                w[i] = n == 0 ? 1 : (double) total / ((double) present * n);
            }
        } else {
            for (String label : explicit.keySet()) {
                if (!labels.contains(label)) {
                    throw new SettingsException(TRAIN_CLASS_WEIGHTS + " names class '" + label
                            + "', which is not one of the model's classes "
                            + (labels.size() <= 20 ? labels : labels.subList(0, 20) + "..."));
                }
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = explicit.getOrDefault(labels.get(i), 1.0);
            }
        }
        Map<String, String> shown = new LinkedHashMap<>();
        for (int i = 0; i < w.length && i < 50; i++) {
            shown.put(labels.get(i), String.format(Locale.ROOT, "%.4g", w[i]));
        }
        LOG.info("Class weights in the loss ({}={}): {}", TRAIN_CLASS_WEIGHTS, mode, shown);
        return w;
    }
}
