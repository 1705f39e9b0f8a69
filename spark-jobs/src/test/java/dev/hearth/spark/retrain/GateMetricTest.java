package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.SettingsException;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The gate on regression metrics: which way is better, margins (and tolerances) as improvements in that direction,
 * ties rejected, metrics and significance that fit the head.
 */
class GateMetricTest {
    private static final List<String> REGRESSION = List.of();

    /** A gate with the margins that are not null set. */
    private static Gate gate(String metric, Double absolute, Double relative) {
        return gate(metric, absolute, relative, 0);
    }

    private static Gate gate(String metric, Double absolute, Double relative, double significance) {
        return new Gate(new Gate.Thresholds(
                metric, 0.9, 0.9, new Gate.Margins(opt(absolute), opt(relative)), 0.0, significance));
    }

    private static OptionalDouble opt(Double v) {
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static Map<String, Double> m(double mse, double mae, double r2) {
        return Map.of("mse", mse, "mae", mae, "r2", r2);
    }

    @Test
    void lowerMseBeatsTheChampionByTheLargerOfTheTwoMargins() {
        Map<String, Double> champion = m(1000, 20, 0.80);
        // relative 5% of 1000 = 50 > absolute 10: 960 is 40 lower, not enough; 940 is 60 lower.
        Gate.Verdict close = gate("mse", 10.0, 0.05).judge(m(960, 20, 0.8), champion, REGRESSION);
        assertThat(close.passed()).isFalse();
        assertThat(close.failures())
                .containsExactly("mse 960.0000 vs champion 1000.0000 (lower is better:"
                        + " improvement +40.0000, required >= +50.0000)");
        assertThat(gate("mse", 10.0, 0.05)
                        .judge(m(940, 20, 0.8), champion, REGRESSION)
                        .passed())
                .isTrue();
        // Each set margin holds on its own: the absolute 60 decides over the relative 5% (50).
        assertThat(gate("mse", 60.0, 0.05)
                        .judge(m(945, 20, 0.8), champion, REGRESSION)
                        .passed())
                .isFalse();
        // A higher error is a negative improvement: rejected with no margin set.
        Gate.Verdict worse = gate("auto", null, null).judge(m(1100, 20, 0.8), champion, REGRESSION);
        assertThat(worse.failures())
                .singleElement()
                .asString()
                .startsWith("mse 1100.0000")
                .contains("improvement -100.0000");
    }

    @Test
    void maeIsLowerIsBetterAndR2HigherIsBetter() {
        Map<String, Double> champion = m(1000, 20, 0.80);
        assertThat(gate("mae", 0.5, null)
                        .judge(m(2000, 19, 0.5), champion, REGRESSION)
                        .passed())
                .isTrue();
        assertThat(gate("mae", 0.5, null)
                        .judge(m(500, 19.8, 0.9), champion, REGRESSION)
                        .passed())
                .isFalse();
        assertThat(gate("r2", 0.01, null)
                        .judge(m(2000, 40, 0.82), champion, REGRESSION)
                        .passed())
                .isTrue();
        assertThat(gate("r2", 0.01, null)
                        .judge(m(500, 10, 0.805), champion, REGRESSION)
                        .passed())
                .isFalse();
        // A relative margin on a negative R² still asks for an increase (here 50% of 0.2).
        assertThat(gate("r2", null, 0.5)
                        .judge(m(0, 0, -0.11), m(0, 0, -0.2), REGRESSION)
                        .passed())
                .isFalse();
        assertThat(gate("r2", null, 0.5)
                        .judge(m(0, 0, -0.09), m(0, 0, -0.2), REGRESSION)
                        .passed())
                .isTrue();
    }

    @Test
    void negativeMarginsAreTolerancesOnAnErrorAndTiesAreRejected() {
        Map<String, Double> champion = m(1000, 20, 0.80);
        // Up to 50 more MSE accepted (absolute), then up to 2% of 1000 (relative, alone).
        assertThat(gate("mse", -50.0, null)
                        .judge(m(1040, 20, 0.8), champion, REGRESSION)
                        .passed())
                .isTrue();
        Gate.Verdict tooWorse = gate("mse", -50.0, null).judge(m(1060, 20, 0.8), champion, REGRESSION);
        assertThat(tooWorse.failures())
                .containsExactly("mse 1060.0000 vs champion 1000.0000 (lower is better:"
                        + " improvement -60.0000, required >= -50.0000)");
        assertThat(gate("mae", null, -0.02)
                        .judge(m(1000, 20.3, 0.8), champion, REGRESSION)
                        .passed())
                .isTrue();
        assertThat(gate("mae", null, -0.02)
                        .judge(m(1000, 20.5, 0.8), champion, REGRESSION)
                        .passed())
                .isFalse();
        // Both set: each must hold, so the stricter (absolute -10) decides over the relative -5% (-50).
        assertThat(gate("mse", -10.0, -0.05)
                        .judge(m(1020, 20, 0.8), champion, REGRESSION)
                        .passed())
                .isFalse();
        // A tie (and a required change of 0) is not an improvement.
        Gate.Verdict tie = gate("mse", null, null).judge(m(1000, 20, 0.8), champion, REGRESSION);
        assertThat(tie.failures())
                .containsExactly("mse 1000.0000 vs champion 1000.0000 (lower is better:"
                        + " improvement +0.0000, required > 0: strictly better, a tie is rejected)");
        assertThat(gate("mse", 0.0, null)
                        .judge(m(1000, 20, 0.8), champion, REGRESSION)
                        .passed())
                .isFalse();
        assertThat(gate("mse", 0.0, null)
                        .judge(m(999, 20, 0.8), champion, REGRESSION)
                        .passed())
                .isTrue();
    }

    @Test
    void significanceIsClassificationOnlyAndRefusedForRegression() {
        Map<String, Double> champion = m(1000, 20, 0.80);
        String refusal = "retrain.gate.significance is 0.05 but the significance test (McNemar's, on the rows only"
                + " one model got right) applies to classification only; set it to 0 for a regression model";
        assertThatThrownBy(() -> gate("auto", null, null, 0.05).judge(m(900, 20, 0.8), champion, REGRESSION))
                .isInstanceOf(SettingsException.class)
                .hasMessage(refusal);
        assertThatThrownBy(() -> new Gate.Thresholds("mse", 0, 0, Gate.Margins.none(), 0, 0.05).metricFor(true))
                .isInstanceOf(SettingsException.class)
                .hasMessage(refusal);
        // Off (the default): a regression verdict has no significance and no McNemar check.
        Gate.Verdict v = gate("auto", null, null).judge(m(900, 20, 0.8), champion, REGRESSION, null);
        assertThat(v.passed()).isTrue();
        assertThat(v.significance()).isNull();
        assertThat(v.checks()).noneMatch(c -> c.contains("McNemar") || c.contains("significance"));
        // The same level is fine for a classifier.
        assertThat(new Gate.Thresholds("auto", 0, 0, Gate.Margins.none(), 0, 0.05).metricFor(false))
                .isEqualTo("accuracy");
    }

    @Test
    void regressionHasNoAccuracyF1OrRecallRules() {
        // min accuracy / min F1 of 0.9 would fail any model if they applied; without a champion nothing else runs.
        Gate.Verdict first = gate("auto", null, null).judge(m(1000, 20, 0.8), null, REGRESSION);
        assertThat(first.passed()).isTrue();
        assertThat(first.checks()).containsExactly("no champion: margin rule skipped");
        assertThat(gate("auto", null, null)
                        .judge(m(900, 20, 0.8), m(1000, 20, 0.8), REGRESSION)
                        .checks())
                .noneMatch(c -> c.contains("recall") || c.contains("accuracy"));
    }

    @Test
    void autoPicksTheHeadsMetricAndAMismatchIsRefused() {
        assertThat(GateMetric.resolve("auto", true)).isEqualTo("mse");
        assertThat(GateMetric.resolve("auto", false)).isEqualTo("accuracy");
        assertThat(GateMetric.resolve("r2", true)).isEqualTo("r2");
        assertThatThrownBy(() -> GateMetric.resolve("f1", true))
                .isInstanceOf(SettingsException.class)
                .hasMessage("retrain.gate.metric is 'f1' but a regression model is gated on one of [mse, mae, r2]"
                        + " (or auto)");
        assertThatThrownBy(() -> GateMetric.resolve("mse", false))
                .isInstanceOf(SettingsException.class)
                .hasMessage("retrain.gate.metric is 'mse' but a classification model is gated on one of"
                        + " [accuracy, f1] (or auto)");
        assertThat(gate("auto", null, null)
                        .judge(
                                Map.of("accuracy", 0.95, "f1", 0.95, "recall.a", 1.0),
                                Map.of("accuracy", 0.94, "f1", 0.95, "recall.a", 1.0),
                                List.of("a"))
                        .checks())
                .anyMatch(c -> c.startsWith("accuracy 0.9500 vs champion 0.9400 (delta +0.0100"));
    }
}
