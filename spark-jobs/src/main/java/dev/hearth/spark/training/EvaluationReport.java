package dev.hearth.spark.training;

import dev.hearth.store.NormalizerSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;

/**
 * Metrics of one evaluation pass. Classification: accuracy, macro-F1/precision/recall, per-class precision, recall
 * and F1, and the confusion matrix (rows = actual, columns = predicted). Regression: MSE, MAE, R².
 *
 * @param examples number of evaluated examples
 * @param metrics flat metric map (per-class entries as {@code precision.<label>} etc.)
 * @param labels class names (empty for regression)
 * @param confusion confusion matrix counts (empty for regression)
 */
public record EvaluationReport(long examples, Map<String, Double> metrics, List<String> labels, long[][] confusion) {

    /** The headline metric: accuracy (classification) or MSE (regression). */
    public double primary() {
        return labels.isEmpty() ? metrics.get("mse") : metrics.get("accuracy");
    }

    /** Whether a larger {@link #primary()} is better. */
    public boolean higherIsBetter() {
        return !labels.isEmpty();
    }

    static EvaluationReport of(Evaluation e, List<String> labels) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", e.accuracy());
        // Macro averages computed here: DL4J reports the positive class's value for two-class problems.
        int n = labels.size();
        double precision = 0;
        double recall = 0;
        double f1 = 0;
        Map<String, Double> perClass = new LinkedHashMap<>();
        long[][] confusion = new long[n][n];
        for (int i = 0; i < n; i++) {
            double p = e.precision(i);
            double r = e.recall(i);
            double f = e.f1(i);
            precision += p / n;
            recall += r / n;
            f1 += f / n;
            perClass.put("precision." + labels.get(i), p);
            perClass.put("recall." + labels.get(i), r);
            perClass.put("f1." + labels.get(i), f);
            for (int j = 0; j < labels.size(); j++) {
                confusion[i][j] = e.getConfusionMatrix().getCount(i, j);
            }
        }
        m.put("f1", f1);
        m.put("precision", precision);
        m.put("recall", recall);
        m.putAll(perClass);
        return new EvaluationReport(e.getNumRowCounter(), m, List.copyOf(labels), confusion);
    }

    /**
     * MSE, MAE and R² of the first column from DL4J's sums. R² is computed here: DL4J's {@code rSquared} reads a
     * label sum that its {@code merge} does not combine, so after a distributed evaluation it used one partition's
     * sum with every partition's count (0.661 instead of 0.601 in a test on 120 rows).
     */
    static EvaluationReport of(RegressionEvaluation e, long examples) {
        double n = e.getExampleCountPerColumn().getDouble(0);
        double sum = e.getLabelsSumPerColumn().getDouble(0);
        double squaredDeviations = e.getSumSquaredLabels().getDouble(0) - (n == 0 ? 0 : sum * sum / n);
        EvaluationReport r = regression((long) n, e.getSumSquaredErrorsPerColumn().getDouble(0),
                e.getSumAbsErrorsPerColumn().getDouble(0), squaredDeviations);
        return new EvaluationReport(examples, r.metrics(), r.labels(), r.confusion());
    }

    /**
     * MSE, MAE and R² of {@code examples} predictions from their sums: squared errors, absolute errors, and squared
     * deviations of the true values from their mean (R² = 1 - SSE/SST; NaN when the true values are constant).
     */
    public static EvaluationReport regression(long examples, double squaredErrors, double absoluteErrors,
            double squaredDeviations) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse", examples == 0 ? Double.NaN : squaredErrors / examples);
        m.put("mae", examples == 0 ? Double.NaN : absoluteErrors / examples);
        m.put("r2", squaredDeviations > 0 ? 1 - squaredErrors / squaredDeviations : Double.NaN);
        return new EvaluationReport(examples, m, List.of(), new long[0][0]);
    }

    /**
     * This regression report, measured on targets scaled by {@code target}, in the target's own units: an affine
     * scaling multiplies every error by its scale (MSE by the square) and leaves R² unchanged. A classification
     * report, or an unscaled target, is returned as it is.
     */
    public EvaluationReport inOriginalUnits(NormalizerSpec target) {
        if (!labels.isEmpty() || target == null || NormalizerSpec.NONE.equals(target.kind())) {
            return this;
        }
        double scale = target.scale(0);
        Map<String, Double> m = new LinkedHashMap<>(metrics);
        m.computeIfPresent("mse", (k, v) -> v * scale * scale);
        m.computeIfPresent("mae", (k, v) -> v * scale);
        return new EvaluationReport(examples, m, labels, confusion);
    }

    /** Only the headline metrics (no per-class entries), for the model's metadata. */
    public Map<String, Double> summary() {
        Map<String, Double> s = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (!k.contains(".")) {
                s.put(k, v);
            }
        });
        return s;
    }
}
