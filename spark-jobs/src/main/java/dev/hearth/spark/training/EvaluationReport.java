package dev.hearth.spark.training;

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
