package dev.hearth.notebook.display;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The display helpers on a regression model: no classes, values instead. */
class RegressionDisplayTest {
    /** The shape of the evaluation.json the train job writes for a regression model. */
    private static final String REGRESSION_EVALUATION = """
            {"examples": 113, "metrics": {"mse": 54279.4, "mae": 153.35, "r2": 0.8435}, "labels": [],
             "confusionMatrix": [], "history": [{"epoch": 1, "loss": 0.9, "validation": 2233306.7,
             "examplesPerSecond": 900, "seconds": 0.4}], "bestEpoch": 1}
            """;

    @Test
    void aRegressionEvaluationReadsAndNamesItsMetric() throws Exception {
        Evaluation e = new ObjectMapper()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(REGRESSION_EVALUATION, Evaluation.class);
        assertThat(e.isRegression()).isTrue();
        assertThat(e.validationMetric()).isEqualTo("mse");
        assertThat(e.metrics()).containsKeys("mse", "mae", "r2");
        assertThat(Plots.learningCurve(e.history(), e.validationMetric()).bytes())
                .hasSizeGreaterThan(1000);
        assertThatThrownBy(() -> Plots.confusionMatrix(e.confusionMatrix(), e.labels()))
                .hasMessageContaining("Plots.predictedVsActual");
    }

    @Test
    void predictionsAreDrawnAgainstTheTrueValues() {
        Png p = Plots.predictedVsActual(
                new double[] {2019, 1956, 1709}, new double[] {1987.5, 2010.2, 1650.9}, "worst_area");
        assertThat(p.base64()).startsWith("iVBORw0KGgo");
        assertThatThrownBy(() -> Plots.predictedVsActual(new double[] {1, 2}, new double[] {1}, "y"))
                .hasMessageContaining("got 1 and 2");
    }
}
