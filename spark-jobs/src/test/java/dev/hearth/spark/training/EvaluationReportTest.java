package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.factory.Nd4j;

/** Evaluation maths against values computed by hand. */
class EvaluationReportTest {

    @Test
    void classificationMetricsMatchHandComputedValues() {
        // actual:    a a a b b b
        // predicted: a a b b b b   -> confusion [[2,1],[0,3]]
        float[][] labels = {{1, 0}, {1, 0}, {1, 0}, {0, 1}, {0, 1}, {0, 1}};
        float[][] predicted = {{0.9f, 0.1f}, {0.8f, 0.2f}, {0.3f, 0.7f}, {0.1f, 0.9f}, {0.4f, 0.6f}, {0.2f, 0.8f}};
        Evaluation e = new Evaluation(List.of("a", "b"));
        e.eval(Nd4j.create(labels), Nd4j.create(predicted));
        EvaluationReport r = EvaluationReport.of(e, List.of("a", "b"));

        assertThat(r.confusion()).isDeepEqualTo(new long[][] {{2, 1}, {0, 3}});
        assertThat(r.metrics().get("accuracy")).isCloseTo(5.0 / 6, within(1e-12));
        // a: precision 2/2, recall 2/3, F1 = 2*1*(2/3)/(1+2/3) = 0.8
        assertThat(r.metrics().get("precision.a")).isCloseTo(1.0, within(1e-12));
        assertThat(r.metrics().get("recall.a")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.metrics().get("f1.a")).isCloseTo(0.8, within(1e-12));
        // b: precision 3/4, recall 3/3, F1 = 2*0.75/(1.75) = 6/7
        assertThat(r.metrics().get("precision.b")).isCloseTo(0.75, within(1e-12));
        assertThat(r.metrics().get("recall.b")).isCloseTo(1.0, within(1e-12));
        assertThat(r.metrics().get("f1.b")).isCloseTo(6.0 / 7, within(1e-12));
        // macro averages
        assertThat(r.metrics().get("precision")).isCloseTo((1.0 + 0.75) / 2, within(1e-12));
        assertThat(r.metrics().get("recall")).isCloseTo((2.0 / 3 + 1.0) / 2, within(1e-12));
        assertThat(r.metrics().get("f1")).isCloseTo((0.8 + 6.0 / 7) / 2, within(1e-12));
        assertThat(r.primary()).isEqualTo(r.metrics().get("accuracy"));
        assertThat(r.higherIsBetter()).isTrue();
        assertThat(r.summary()).containsOnlyKeys("accuracy", "f1", "precision", "recall");
    }

    @Test
    void regressionMetricsMatchHandComputedValues() {
        // y = 1, 2, 3, 4; prediction = 1.5, 2, 2, 4.5
        RegressionEvaluation e = new RegressionEvaluation(1);
        e.eval(Nd4j.create(new float[][] {{1}, {2}, {3}, {4}}), Nd4j.create(new float[][] {{1.5f}, {2}, {2}, {4.5f}}));
        EvaluationReport r = EvaluationReport.of(e, 4);
        // errors 0.5, 0, -1, 0.5: MSE = (0.25+0+1+0.25)/4 = 0.375, MAE = 2/4 = 0.5
        assertThat(r.metrics().get("mse")).isCloseTo(0.375, within(1e-6));
        assertThat(r.metrics().get("mae")).isCloseTo(0.5, within(1e-6));
        // R² = 1 - SSres/SStot = 1 - 1.5/5 = 0.7
        assertThat(r.metrics().get("r2")).isCloseTo(0.7, within(1e-6));
        assertThat(r.primary()).isEqualTo(r.metrics().get("mse"));
        assertThat(r.higherIsBetter()).isFalse();
    }

    @Test
    void macroAveragesLeaveOutClassesWithoutRows() {
        // classes a, b, c; the evaluated rows hold no c (a one-day window), one a is predicted as c.
        // actual a: 3 rows (2 right, 1 -> c); actual b: 2 rows (both right); actual c: none
        long[][] confusion = {{2, 0, 1}, {0, 2, 0}, {0, 0, 0}};
        EvaluationReport r = EvaluationReport.classification(confusion, List.of("a", "b", "c"));
        // a: p 1, r 2/3, f1 0.8; b: p 1, r 1, f1 1; c: support 0 -> not averaged (its precision 0 stays listed)
        assertThat(r.metrics().get("f1")).isCloseTo((0.8 + 1.0) / 2, within(1e-12));
        assertThat(r.metrics().get("recall")).isCloseTo((2.0 / 3 + 1.0) / 2, within(1e-12));
        assertThat(r.metrics().get("precision")).isCloseTo(1.0, within(1e-12));
        assertThat(r.metrics().get("accuracy")).isCloseTo(4.0 / 5, within(1e-12));
        assertThat(r.metrics())
                .containsEntry("support.a", 3.0)
                .containsEntry("support.c", 0.0)
                .containsEntry("precision.c", 0.0);
        assertThat(r.zeroSupportClasses()).containsExactly("c");
        // the DL4J path gives the same numbers
        Evaluation e = new Evaluation(List.of("a", "b", "c"));
        float[][] actual = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 1, 0}};
        float[][] predicted = {{.8f, .1f, .1f}, {.8f, .1f, .1f}, {.1f, .1f, .8f}, {.1f, .8f, .1f}, {.1f, .8f, .1f}};
        e.eval(Nd4j.create(actual), Nd4j.create(predicted));
        assertThat(EvaluationReport.of(e, List.of("a", "b", "c")).metrics()).isEqualTo(r.metrics());
        // nothing evaluated at all: zeros, not NaN
        EvaluationReport empty = EvaluationReport.classification(new long[2][2], List.of("a", "b"));
        assertThat(empty.metrics().get("f1")).isZero();
        assertThat(empty.zeroSupportClasses()).containsExactly("a", "b");
    }
}
