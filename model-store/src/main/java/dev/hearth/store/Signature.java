package dev.hearth.store;

import java.util.List;

/**
 * What a model takes and returns: one FP32 input of shape {@code [-1, featureCount]}, class probabilities over
 * {@code labelNames} out, and the normaliser applied to raw features first.
 *
 * @param inputName name of the input tensor in inference requests
 * @param datatype input datatype, {@code FP32}
 * @param featureCount number of features per row
 * @param featureNames feature (column) names, may be empty
 * @param labelNames class names in output order
 * @param normalizer normalisation applied to raw features
 */
public record Signature(
        String inputName,
        String datatype,
        int featureCount,
        List<String> featureNames,
        List<String> labelNames,
        NormalizerSpec normalizer) {
    public Signature {
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1 but was " + featureCount);
        }
        featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
        labelNames = labelNames == null ? List.of() : List.copyOf(labelNames);
        normalizer = normalizer == null ? NormalizerSpec.none() : normalizer;
        inputName = inputName == null ? "input" : inputName;
        datatype = datatype == null ? "FP32" : datatype;
    }
}
