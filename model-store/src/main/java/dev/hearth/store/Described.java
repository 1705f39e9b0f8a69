package dev.hearth.store;

import java.util.Map;

/**
 * A value that carries a {@link ModelDescription} ({@link ModelDraft}, {@link ModelMetadata}), with the
 * description's fields readable on it directly.
 */
public interface Described {
    /** What the publisher said about the model. */
    ModelDescription description();

    /** The framework that reads the model file ({@link ModelDescription#framework}). */
    default String framework() {
        return description().framework();
    }

    /** Inputs, outputs and normaliser ({@link ModelDescription#signature}). */
    default Signature signature() {
        return description().signature();
    }

    /** Evaluation metrics on the held-out split ({@link ModelDescription#metrics}). */
    default Map<String, Double> metrics() {
        return description().metrics();
    }

    /** Resolved training settings ({@link ModelDescription#training}). */
    default Map<String, String> training() {
        return description().training();
    }

    /** Where the model came from ({@link ModelDescription#provenance}). */
    default Map<String, Object> provenance() {
        return description().provenance();
    }

    /** Free key/value tags ({@link ModelDescription#tags}). */
    default Map<String, String> tags() {
        return description().tags();
    }
}
