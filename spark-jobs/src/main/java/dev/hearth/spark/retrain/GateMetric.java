package dev.hearth.spark.retrain;

import dev.hearth.config.Choice;
import dev.hearth.config.SettingsException;
import java.util.List;

/**
 * The metrics the champion/challenger gate can compare, which head each applies to, and which way is better:
 * accuracy, macro F1 and R² grow with quality, MSE and MAE shrink, so for them an improvement (and a margin) is a
 * decrease. {@code auto} picks accuracy for a classifier and MSE for a regression model.
 */
public final class GateMetric {
    public static final String AUTO = "auto";
    /** Every value {@code retrain.gate.metric} accepts. */
    public static final List<String> CHOICES = Choice.words(RetrainSettings.Metric.class);

    private static final List<String> CLASSIFICATION = List.of("accuracy", "f1");
    private static final List<String> REGRESSION = List.of("mse", "mae", "r2");

    private GateMetric() {}

    /**
     * The metric to gate on for a model with this head.
     *
     * @throws SettingsException when the configured metric does not apply to the head
     */
    public static String resolve(String configured, boolean regression) {
        RetrainSettings.Metric metric =
                Choice.parse(RetrainSettings.GATE_METRIC, configured, RetrainSettings.Metric.class);
        boolean applies = switch (metric) {
            case AUTO -> true;
            case ACCURACY, F1 -> !regression;
            case MSE, MAE, R2 -> regression;
        };
        if (!applies) {
            throw new SettingsException(RetrainSettings.GATE_METRIC + " is '" + configured + "' but a "
                    + (regression ? "regression" : "classification") + " model is gated on one of "
                    + (regression ? REGRESSION : CLASSIFICATION) + " (or auto)");
        }
        if (metric == RetrainSettings.Metric.AUTO) {
            return regression ? "mse" : "accuracy";
        }
        return metric.word();
    }

    /** Whether a smaller value of {@code metric} is better (errors: MSE, MAE). */
    public static boolean lowerIsBetter(String metric) {
        return metric.equals("mse") || metric.equals("mae");
    }

    /** How much better {@code challenger} is than {@code champion} on {@code metric}; negative when worse. */
    public static double improvement(String metric, double challenger, double champion) {
        return lowerIsBetter(metric) ? champion - challenger : challenger - champion;
    }
}
