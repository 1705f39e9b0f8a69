package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The {@code evaluation.json} every trained version holds, written by the train job and read by the notebooks and
 * anything else that shows a version's test results: the only place its name and schema are spelled out. A
 * regression model's has no labels or confusion matrix. The history entries are the train job's per-epoch results
 * as JSON objects (epoch, loss, validation, throughput, ...), kept untyped here because their type lives with the
 * engine (spark-jobs), which the store does not know.
 *
 * @param examples rows of the test split
 * @param metrics test metrics by name (accuracy, f1, ... or mse, mae, r2)
 * @param labels class names in output order; empty for regression
 * @param zeroSupportClasses classes with no test row (left out of macro averages)
 * @param confusionMatrix actual x predicted counts; empty for regression
 * @param history per-epoch results, in order
 * @param bestEpoch the epoch whose parameters were kept
 */
@JsonPropertyOrder({"examples", "metrics", "labels", "zeroSupportClasses", "confusionMatrix", "history", "bestEpoch"})
public record EvaluationFile(
        long examples,
        Map<String, Double> metrics,
        List<String> labels,
        List<String> zeroSupportClasses,
        long[][] confusionMatrix,
        List<Map<String, Object>> history,
        int bestEpoch) {
    /** The file's name inside a version. */
    public static final String FILE = "evaluation.json";

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<Map<String, Object>> ENTRY = new TypeReference<>() {};

    /**
     * An evaluation whose history is {@code history}'s entries turned into JSON objects (records of the engine's
     * per-epoch results, for instance).
     */
    public static EvaluationFile of(
            long examples,
            Map<String, Double> metrics,
            List<String> labels,
            List<String> zeroSupportClasses,
            long[][] confusionMatrix,
            List<?> history,
            int bestEpoch) {
        List<Map<String, Object>> entries =
                history.stream().map(e -> JSON.convertValue(e, ENTRY)).toList();
        return new EvaluationFile(examples, metrics, labels, zeroSupportClasses, confusionMatrix, entries, bestEpoch);
    }

    /** The file's bytes: pretty-printed JSON. */
    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + FILE + ": " + e.getMessage(), e);
        }
    }

    /** Reads the evaluation of a stored version. */
    public static EvaluationFile read(ModelStore store, ModelVersion version) {
        return parse(store.readFile(version, FILE), version.ref().toString());
    }

    /**
     * Parses the file's bytes into {@code type}: this record, or a reader's own typed view of the same schema (the
     * notebooks' {@code Evaluation} with typed history entries). Unknown fields are ignored.
     */
    public static <T> T parse(byte[] bytes, String what, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse " + FILE + " of " + what + ": " + e.getMessage(), e);
        }
    }

    /** Parses the file's bytes. */
    public static EvaluationFile parse(byte[] bytes, String what) {
        return parse(bytes, what, EvaluationFile.class);
    }
}
