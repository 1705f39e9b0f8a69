package dev.hearth.spark.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.EvaluationAveraging;
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
        m.put("f1", e.f1(EvaluationAveraging.Macro));
        m.put("precision", e.precision(EvaluationAveraging.Macro));
        m.put("recall", e.recall(EvaluationAveraging.Macro));
        long[][] confusion = new long[labels.size()][labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            m.put("precision." + labels.get(i), e.precision(i));
            m.put("recall." + labels.get(i), e.recall(i));
            m.put("f1." + labels.get(i), e.f1(i));
            for (int j = 0; j < labels.size(); j++) {
                confusion[i][j] = e.getConfusionMatrix().getCount(i, j);
            }
        }
        return new EvaluationReport(e.getNumRowCounter(), m, List.copyOf(labels), confusion);
    }

    static EvaluationReport of(RegressionEvaluation e, long examples) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse", e.meanSquaredError(0));
        m.put("mae", e.meanAbsoluteError(0));
        m.put("r2", e.rSquared(0));
        return new EvaluationReport(examples, m, List.of(), new long[0][0]);
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
