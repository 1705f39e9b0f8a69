package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.store.NormalizerSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.factory.Nd4j;

/** Regression metrics after a distributed (merged) evaluation, and back in the target's own units. */
class RegressionReportTest {
    @Test
    void r2IsRightAfterPartitionsAreMerged() {
        // y = 1, 2, 3, 4; prediction = 1.5, 2, 2, 4.5, evaluated as two partitions merged the way Spark does.
        RegressionEvaluation a = new RegressionEvaluation(1);
        a.eval(Nd4j.create(new float[][] {{1}, {2}}), Nd4j.create(new float[][] {{1.5f}, {2}}));
        RegressionEvaluation b = new RegressionEvaluation(1);
        b.eval(Nd4j.create(new float[][] {{3}, {4}}), Nd4j.create(new float[][] {{2}, {4.5f}}));
        a.merge(b);
        EvaluationReport r = EvaluationReport.of(a, 4);
        assertThat(r.metrics().get("mse")).isCloseTo(0.375, within(1e-6));
        assertThat(r.metrics().get("mae")).isCloseTo(0.5, within(1e-6));
        // R² = 1 - 1.5/5; DL4J's own rSquared gives another value here (its merge drops a label sum).
        assertThat(r.metrics().get("r2")).isCloseTo(0.7, within(1e-6));
        assertThat(a.rSquared(0)).isNotCloseTo(0.7, within(1e-3));
    }

    @Test
    void standardisedMetricsAreScaledBackToTheTargetsUnits() {
        // Targets standardised with std 500: errors are 500x larger in original units, R² is unchanged.
        NormalizerSpec target = new NormalizerSpec("standardize", null, null, new double[] {880}, new double[] {500});
        EvaluationReport scaled = EvaluationReport.regression(4, 1.5, 2, 5);
        EvaluationReport original = scaled.inOriginalUnits(target);
        assertThat(original.metrics().get("mse")).isCloseTo(0.375 * 500 * 500, within(1e-6));
        assertThat(original.metrics().get("mae")).isCloseTo(0.5 * 500, within(1e-9));
        assertThat(original.metrics().get("r2")).isEqualTo(scaled.metrics().get("r2"));
        assertThat(scaled.inOriginalUnits(NormalizerSpec.none())).isSameAs(scaled);
        EvaluationReport classes = new EvaluationReport(4, Map.of("accuracy", 0.5), List.of("a", "b"), new long[2][2]);
        assertThat(classes.inOriginalUnits(target)).isSameAs(classes);
        assertThat(EvaluationReport.regression(3, 1, 1, 0).metrics().get("r2")).isNaN();
    }
}
