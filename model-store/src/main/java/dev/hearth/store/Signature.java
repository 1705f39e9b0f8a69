package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a model takes and returns: one FP32 input of shape {@code [-1, featureCount]} and the normaliser applied to
 * raw features first; out, either class probabilities over {@code labelNames} ({@code classification}) or
 * {@code [-1, k]} values for the {@code k} named {@code targets} ({@code regression}), which the optional
 * {@code targetNormalizer} maps back to the targets' original units.
 *
 * <p>Metadata written before regression was servable has no {@code task}: a signature without labels is read as a
 * regression over one target named {@value #VALUE} without a target normaliser, which is what those models output.
 *
 * @param inputName name of the input tensor in inference requests
 * @param datatype input datatype, {@code FP32}
 * @param featureCount number of features per row
 * @param featureNames feature (column) names, may be empty
 * @param labelNames class names in output order (classification); empty for regression
 * @param normalizer normalisation applied to raw features
 * @param task {@code classification} or {@code regression}; derived from {@code labelNames} when absent
 * @param targets names of the regression outputs in output order (regression); empty for classification
 * @param targetNormalizer how targets were scaled for training (regression): predictions are mapped back with its
 *     inverse; {@code none} for classification
 */
public record Signature(
        String inputName,
        String datatype,
        int featureCount,
        List<String> featureNames,
        List<String> labelNames,
        NormalizerSpec normalizer,
        String task,
        List<String> targets,
        NormalizerSpec targetNormalizer) {
    public static final String CLASSIFICATION = "classification";
    public static final String REGRESSION = "regression";
    /** The name of a regression output when the target has no usable name (and of a multi-target output). */
    public static final String VALUE = "value";

    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    @JsonCreator
    public Signature {
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1 but was " + featureCount);
        }
        featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
        labelNames = labelNames == null ? List.of() : List.copyOf(labelNames);
        normalizer = normalizer == null ? NormalizerSpec.none() : normalizer;
        inputName = inputName == null ? "input" : inputName;
        datatype = datatype == null ? "FP32" : datatype;
        task = task == null ? (labelNames.isEmpty() ? REGRESSION : CLASSIFICATION) : task.toLowerCase(Locale.ROOT);
        targets = targets == null ? List.of() : List.copyOf(targets);
        targetNormalizer = targetNormalizer == null ? NormalizerSpec.none() : targetNormalizer;
        switch (task) {
            case CLASSIFICATION -> {
                if (labelNames.isEmpty()) {
                    throw new IllegalArgumentException("a classification signature needs labelNames but has none");
                }
                if (!targets.isEmpty() || !NormalizerSpec.NONE.equals(targetNormalizer.kind())) {
                    throw new IllegalArgumentException("a classification signature has no targets or target "
                            + "normalizer but has targets " + targets + " and targetNormalizer "
                            + targetNormalizer.kind());
                }
            }
            case REGRESSION -> {
                if (!labelNames.isEmpty()) {
                    throw new IllegalArgumentException("a regression signature has no labelNames but has "
                            + labelNames);
                }
                targets = targets.isEmpty() ? List.of(VALUE) : targets;
                if (new HashSet<>(targets).size() != targets.size()) {
                    throw new IllegalArgumentException("targets must be distinct but were " + targets);
                }
                for (String t : targets) {
                    if (t == null || !TARGET_NAME.matcher(t).matches()) {
                        throw new IllegalArgumentException("target name '" + t + "' must match "
                                + TARGET_NAME.pattern());
                    }
                }
                int covered = targetNormalizer.featureCount();
                if (covered != -1 && covered != targets.size()) {
                    throw new IllegalArgumentException("targetNormalizer covers " + covered + " values but there are "
                            + targets.size() + " targets " + targets);
                }
            }
            default -> throw new IllegalArgumentException("task must be one of [classification, regression] but was '"
                    + task + "'");
        }
    }

    /** A classification signature (or, with no labels, a regression over one unscaled target {@value #VALUE}). */
    public Signature(String inputName, String datatype, int featureCount, List<String> featureNames,
            List<String> labelNames, NormalizerSpec normalizer) {
        this(inputName, datatype, featureCount, featureNames, labelNames, normalizer, null, null, null);
    }

    /** A regression signature: {@code targets.size()} values per row, scaled for training by {@code target}. */
    public static Signature regression(String inputName, int featureCount, List<String> featureNames,
            NormalizerSpec normalizer, List<String> targets, NormalizerSpec target) {
        return new Signature(inputName, "FP32", featureCount, featureNames, List.of(), normalizer, REGRESSION,
                targets, target);
    }

    /** Whether the model predicts values rather than classes. */
    @JsonIgnore
    public boolean isRegression() {
        return REGRESSION.equals(task);
    }

    /** Values the network returns per row: one per class, or one per target. */
    @JsonIgnore
    public int outputWidth() {
        return isRegression() ? targets.size() : labelNames.size();
    }

    /**
     * The name of the regression output tensor: the target's name when there is one target, else {@value #VALUE}.
     */
    @JsonIgnore
    public String valueOutputName() {
        return targets.size() == 1 ? targets.get(0) : VALUE;
    }
}
