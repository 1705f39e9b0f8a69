package dev.hearth.notebook.display;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.hearth.spark.training.EpochResult;
import dev.hearth.store.EvaluationFile;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.List;
import java.util.Map;

/**
 * The notebooks' typed view of {@link EvaluationFile} (the {@code evaluation.json} every trained version holds): test metrics, class labels, confusion matrix and the
 * per-epoch history. A regression model's has no labels or confusion matrix; its metrics (MSE, MAE, R²) and its
 * validation MSE per epoch are in the target's own units.
 */
public record Evaluation(
        long examples,
        Map<String, Double> metrics,
        List<String> labels,
        long[][] confusionMatrix,
        List<EpochResult> history,
        int bestEpoch) {
    /** The file's name inside a version. */
    public static final String FILE = EvaluationFile.FILE;

    /** Whether this is a regression model's evaluation (no classes). */
    @JsonIgnore
    public boolean isRegression() {
        return labels == null || labels.isEmpty();
    }

    /** The metric of the validation curve: {@code accuracy}, or {@code mse} for a regression model. */
    @JsonIgnore
    public String validationMetric() {
        return isRegression() ? "mse" : "accuracy";
    }

    /** Reads the evaluation of a stored version. */
    public static Evaluation of(ModelStore store, ModelVersion version) {
        return EvaluationFile.parse(store.readFile(version, FILE), version.ref().toString(), Evaluation.class);
    }
}
