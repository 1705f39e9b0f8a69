package dev.hearth.store;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a publisher says about a model, kept as is in every version's {@code metadata.json}: the framework that reads
 * the model file, the signature, metrics, training settings, provenance and tags. A {@link ModelDraft} carries it to
 * the store; the {@link ModelMetadata} the store writes holds it beside the fields only the store assigns.
 *
 * @param framework the framework that reads the model file: {@code dl4j-multilayer} ({@code model.zip}) or
 *     {@code onnx} ({@code model.onnx})
 * @param signature inputs, outputs and normaliser
 * @param metrics evaluation metrics on the held-out split
 * @param training resolved training settings
 * @param provenance where the model came from (dataset, Spark app, versions, timings)
 * @param tags free key/value tags
 */
public record ModelDescription(
        String framework,
        Signature signature,
        Map<String, Double> metrics,
        Map<String, String> training,
        Map<String, Object> provenance,
        Map<String, String> tags) {

    /** Maps are copied sorted by key (so the JSON is the same for the same content) and unmodifiable; null is empty. */
    public ModelDescription {
        metrics = sorted(metrics);
        training = sorted(training);
        provenance = sorted(provenance);
        tags = sorted(tags);
    }

    static <V> Map<String, V> sorted(Map<String, V> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(m));
    }
}
