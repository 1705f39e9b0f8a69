package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.SettingsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate on regression metrics: which way is better, margins as reductions, metrics that fit the head. */
class GateMetricTest {
    private static final List<String> REGRESSION = List.of();

    private static Gate gate(String metric, double absolute, double relative) {
        return new Gate(new Gate.Thresholds(metric, 0.9, 0.9, absolute, relative, 0.0));
    }

    private static Map<String, Double> m(double mse, double mae, double r2) {
        return Map.of("mse", mse, "mae", mae, "r2", r2);
    }

    @Test
    void lowerMseBeatsTheChampionByTheLargerOfTheTwoMargins() {
        Map<String, Double> champion = m(1000, 20, 0.80);
        // relative 5% of 1000 = 50 > absolute 10: 960 is 40 lower, not enough; 940 is 60 lower.
        Gate.Verdict close = gate("mse", 10, 0.05).judge(m(960, 20, 0.8), champion, REGRESSION);
        assertThat(close.passed()).isFalse();
        assertThat(close.failures()).containsExactly("mse 960.0000 vs champion 1000.0000 (lower is better:"
                + " improvement +40.0000, required +50.0000)");
        assertThat(gate("mse", 10, 0.05).judge(m(940, 20, 0.8), champion, REGRESSION).passed()).isTrue();
        // A higher error is a negative improvement: rejected even with no margin.
        Gate.Verdict worse = gate("auto", 0, 0).judge(m(1100, 20, 0.8), champion, REGRESSION);
        assertThat(worse.failures()).singleElement().asString().startsWith("mse 1100.0000")
                .contains("improvement -100.0000");
    }

    @Test
    void maeIsLowerIsBetterAndR2HigherIsBetter() {
        Map<String, Double> champion = m(1000, 20, 0.80);
        assertThat(gate("mae", 0.5, 0).judge(m(2000, 19, 0.5), champion, REGRESSION).passed()).isTrue();
        assertThat(gate("mae", 0.5, 0).judge(m(500, 19.8, 0.9), champion, REGRESSION).passed()).isFalse();
        assertThat(gate("r2", 0.01, 0).judge(m(2000, 40, 0.82), champion, REGRESSION).passed()).isTrue();
        assertThat(gate("r2", 0.01, 0).judge(m(500, 10, 0.805), champion, REGRESSION).passed()).isFalse();
        // A relative margin on a negative R² still asks for an increase (here 50% of 0.2).
        assertThat(gate("r2", 0, 0.5).judge(m(0, 0, -0.11), m(0, 0, -0.2), REGRESSION).passed()).isFalse();
        assertThat(gate("r2", 0, 0.5).judge(m(0, 0, -0.09), m(0, 0, -0.2), REGRESSION).passed()).isTrue();
    }

    @Test
    void regressionHasNoAccuracyF1OrRecallRules() {
        // min accuracy / min F1 of 0.9 would fail any model if they applied; without a champion nothing else runs.
        Gate.Verdict first = gate("auto", 0, 0).judge(m(1000, 20, 0.8), null, REGRESSION);
        assertThat(first.passed()).isTrue();
        assertThat(first.checks()).containsExactly("no champion: margin and recall rules skipped");
        assertThat(gate("auto", 0, 0).judge(m(900, 20, 0.8), m(1000, 20, 0.8), REGRESSION).checks())
                .noneMatch(c -> c.contains("recall") || c.contains("accuracy"));
    }

    @Test
    void autoPicksTheHeadsMetricAndAMismatchIsRefused() {
        assertThat(GateMetric.resolve("auto", true)).isEqualTo("mse");
        assertThat(GateMetric.resolve("auto", false)).isEqualTo("accuracy");
        assertThat(GateMetric.resolve("r2", true)).isEqualTo("r2");
        assertThatThrownBy(() -> GateMetric.resolve("f1", true)).isInstanceOf(SettingsException.class)
                .hasMessage("retrain.gate.metric is 'f1' but a regression model is gated on one of [mse, mae, r2]"
                        + " (or auto)");
        assertThatThrownBy(() -> GateMetric.resolve("mse", false)).isInstanceOf(SettingsException.class)
                .hasMessage("retrain.gate.metric is 'mse' but a classification model is gated on one of"
                        + " [accuracy, f1] (or auto)");
        assertThat(gate("auto", 0, 0).judge(Map.of("accuracy", 0.95, "f1", 0.95, "recall.a", 1.0),
                Map.of("accuracy", 0.94, "f1", 0.95, "recall.a", 1.0), List.of("a")).checks())
                .anyMatch(c -> c.startsWith("accuracy 0.9500 vs champion 0.9400 (delta +0.0100"));
    }
}
