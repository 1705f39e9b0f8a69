package dev.hearth.spark.training;

import dev.hearth.store.NormalizerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;

/**
 * Metrics of one evaluation pass. Classification: accuracy, macro-F1/precision/recall (over the classes present in
 * the evaluated rows), per-class precision, recall, F1 and support, and the confusion matrix (rows = actual,
 * columns = predicted). Regression: MSE, MAE, R².
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
        int n = labels.size();
        long[][] confusion = new long[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                confusion[i][j] = e.getConfusionMatrix().getCount(i, j);
            }
        }
        return classification(confusion, labels);
    }

    /**
     * Classification metrics from a confusion matrix (rows = actual, columns = predicted): accuracy, per-class
     * precision/recall/F1 and support ({@code support.<label>}), and macro averages over the classes with at least
     * one actual row. A class absent from the evaluated rows has no recall to speak of; counting it as 0 would cut
     * macro-F1 by 1/k per absent class (and fail a gate) for no fault of the model. Its precision stays in the
     * per-class entries (predicting a class that is not there is still a mistake, and shows in the other classes'
     * recall). Macro averages are computed here rather than by DL4J, which reports the positive class's value for
     * two-class problems.
     */
    public static EvaluationReport classification(long[][] confusion, List<String> labels) {
        int k = labels.size();
        long total = 0;
        long correct = 0;
        double precision = 0;
        double recall = 0;
        double f1 = 0;
        int supported = 0;
        Map<String, Double> perClass = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            long actual = 0;
            long predicted = 0;
            for (int j = 0; j < k; j++) {
                actual += confusion[i][j];
                predicted += confusion[j][i];
            }
            total += actual;
            correct += confusion[i][i];
            double p = predicted == 0 ? 0 : (double) confusion[i][i] / predicted;
            double r = actual == 0 ? 0 : (double) confusion[i][i] / actual;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            String label = labels.get(i);
            perClass.put("precision." + label, p);
            perClass.put("recall." + label, r);
            perClass.put("f1." + label, f);
            perClass.put("support." + label, (double) actual);
            if (actual > 0) {
                supported++;
                precision += p;
                recall += r;
                f1 += f;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", total == 0 ? 0 : (double) correct / total);
        m.put("f1", supported == 0 ? 0 : f1 / supported);
        m.put("precision", supported == 0 ? 0 : precision / supported);
        m.put("recall", supported == 0 ? 0 : recall / supported);
        m.putAll(perClass);
        return new EvaluationReport(total, m, List.copyOf(labels), confusion);
    }

    /** Classes with no actual row among the evaluated ones: left out of the macro averages. */
    public List<String> zeroSupportClasses() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            long actual = 0;
            for (long c : confusion[i]) {
                actual += c;
            }
            if (actual == 0) {
                out.add(labels.get(i));
            }
        }
        return out;
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
        EvaluationReport r = regression(
                (long) n,
                e.getSumSquaredErrorsPerColumn().getDouble(0),
                e.getSumAbsErrorsPerColumn().getDouble(0),
                squaredDeviations);
        return new EvaluationReport(examples, r.metrics(), r.labels(), r.confusion());
    }

    /**
     * MSE, MAE and R² of {@code examples} predictions from their sums: squared errors, absolute errors, and squared
     * deviations of the true values from their mean (R² = 1 - SSE/SST; NaN when the true values are constant).
     */
    public static EvaluationReport regression(
            long examples, double squaredErrors, double absoluteErrors, double squaredDeviations) {
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
