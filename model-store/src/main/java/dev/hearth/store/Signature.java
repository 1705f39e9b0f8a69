package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a model takes and returns: its named input and output tensors ({@link #inputs()}, {@link #outputs()}), the
 * labels of a classification output and the normaliser applied to a feature input.
 *
 * <p>Two kinds of signature share this record:
 *
 * <ul>
 *   <li><b>Feature rows</b> (every model Hearth trains; metadata formats 1 and 2): one FP32 input of shape
 *       {@code [-1, featureCount]} and the normaliser applied to raw features first; out, either class
 *       probabilities over {@code labelNames} ({@code classification}, output {@value #PROBABILITIES}) or
 *       {@code [-1, k]} values for the {@code k} named {@code targets} ({@code regression}), which the optional
 *       {@code targetNormalizer} maps back to the targets' original units. {@code inputs} and {@code outputs} are
 *       derived from these fields, named as the server names them.
 *   <li><b>Tensors</b> (imported graphs such as ONNX; metadata format 3): any named inputs and outputs given
 *       explicitly, task {@code classification} when labels name the classes of {@code labelsOutput}, else
 *       {@value #TENSORS}. {@code inputName}, {@code datatype} and {@code featureCount} are derived from the first
 *       input ({@code featureCount} is -1 when a non-batch axis is dynamic). A normaliser is only allowed on a
 *       single FP32 {@code [d, n]} input.
 * </ul>
 *
 * <p>A classification signature has, besides its tensor outputs, the derived output {@value #LABEL}: the label of
 * the largest value of {@code labelsOutput} per row (see {@link #outputNames()}).
 *
 * <p>Metadata written before regression was servable has no {@code task}: a signature without labels is read as a
 * regression over one target named {@value #VALUE} without a target normaliser, which is what those models output.
 *
 * @param inputName name of the (first) input tensor in inference requests
 * @param datatype datatype of the (first) input, {@code FP32} for feature rows
 * @param featureCount number of features per row (feature rows); for tensors the element count of one item of the
 *     first input, or -1 when it has a dynamic axis after the first
 * @param featureNames feature (column) names, may be empty
 * @param labelNames class names in output order (classification); empty otherwise
 * @param normalizer normalisation applied to raw features
 * @param task {@code classification}, {@code regression} (feature rows only) or {@value #TENSORS} (tensors only);
 *     derived from {@code labelNames} when absent
 * @param targets names of the regression outputs in output order (regression); empty otherwise
 * @param targetNormalizer how targets were scaled for training (regression): predictions are mapped back with its
 *     inverse; {@code none} otherwise
 * @param inputs the input tensors in the model's order; derived for feature rows
 * @param outputs the output tensors in the model's order (without the derived {@value #LABEL}); derived for feature
 *     rows
 * @param labelsOutput the output whose last axis {@code labelNames} name (classification); null otherwise
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
        NormalizerSpec targetNormalizer,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        String labelsOutput) {
    public static final String CLASSIFICATION = "classification";
    public static final String REGRESSION = "regression";
    /** The task of a tensor signature without labels: outputs are returned as the model computes them. */
    public static final String TENSORS = "tensors";
    /** The name of a regression output when the target has no usable name (and of a multi-target output). */
    public static final String VALUE = "value";
    /** The class-probability output of a feature-rows classifier. */
    public static final String PROBABILITIES = "probabilities";
    /** The derived output of a classifier: the label of the largest value of {@code labelsOutput}, per row. */
    public static final String LABEL = "label";
    /** Most inputs or outputs one signature may have. */
    public static final int MAX_TENSORS = 64;

    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    @JsonCreator
    public Signature {
        featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
        labelNames = labelNames == null ? List.of() : List.copyOf(labelNames);
        normalizer = normalizer == null ? NormalizerSpec.none() : normalizer;
        targets = targets == null ? List.of() : List.copyOf(targets);
        targetNormalizer = targetNormalizer == null ? NormalizerSpec.none() : targetNormalizer;
        if (inputs == null || inputs.isEmpty()) {
            if (outputs != null && !outputs.isEmpty()) {
                throw new IllegalArgumentException(
                        "a signature with outputs " + names(outputs) + " needs its inputs too");
            }
            inputName = inputName == null ? "input" : inputName;
            datatype = datatype == null ? "FP32" : datatype;
            task = task == null ? (labelNames.isEmpty() ? REGRESSION : CLASSIFICATION) : task.toLowerCase(Locale.ROOT);
            targets = checkFeatureRows(featureCount, labelNames, task, targets, targetNormalizer);
            inputs = List.of(new TensorSpec(inputName, datatype, List.of(-1L, (long) featureCount)));
            outputs = List.of(
                    REGRESSION.equals(task)
                            ? TensorSpec.rows(targets.size() == 1 ? targets.get(0) : VALUE, targets.size())
                            : TensorSpec.rows(PROBABILITIES, labelNames.size()));
            if (labelsOutput != null && !labelsOutput.equals(CLASSIFICATION.equals(task) ? PROBABILITIES : null)) {
                throw new IllegalArgumentException("labelsOutput of a feature-rows signature is '" + PROBABILITIES
                        + "' for classification and absent for regression but was '" + labelsOutput + "'");
            }
            labelsOutput = CLASSIFICATION.equals(task) ? PROBABILITIES : null;
        } else {
            inputs = checkTensors("inputs", inputs);
            outputs = checkTensors("outputs", outputs);
            task = task == null ? (labelNames.isEmpty() ? TENSORS : CLASSIFICATION) : task.toLowerCase(Locale.ROOT);
            labelsOutput = checkTensorTask(task, labelNames, outputs, labelsOutput, targets, targetNormalizer);
            checkNormalizedInput(normalizer, inputs);
            TensorSpec first = inputs.get(0);
            inputName = first.name();
            datatype = first.datatype();
            featureCount = itemSize(first);
        }
    }

    /** A feature-rows signature with every field: what the 9-field records of formats 1 and 2 hold. */
    public Signature(
            String inputName,
            String datatype,
            int featureCount,
            List<String> featureNames,
            List<String> labelNames,
            NormalizerSpec normalizer,
            String task,
            List<String> targets,
            NormalizerSpec targetNormalizer) {
        this(
                inputName,
                datatype,
                featureCount,
                featureNames,
                labelNames,
                normalizer,
                task,
                targets,
                targetNormalizer,
                null,
                null,
                null);
    }

    /** A classification signature (or, with no labels, a regression over one unscaled target {@value #VALUE}). */
    public Signature(
            String inputName,
            String datatype,
            int featureCount,
            List<String> featureNames,
            List<String> labelNames,
            NormalizerSpec normalizer) {
        this(inputName, datatype, featureCount, featureNames, labelNames, normalizer, null, null, null);
    }

    /** A regression signature: {@code targets.size()} values per row, scaled for training by {@code target}. */
    public static Signature regression(
            String inputName,
            int featureCount,
            List<String> featureNames,
            NormalizerSpec normalizer,
            List<String> targets,
            NormalizerSpec target) {
        return new Signature(
                inputName, "FP32", featureCount, featureNames, List.of(), normalizer, REGRESSION, targets, target);
    }

    /**
     * A tensor signature (metadata format 3 unless it happens to describe feature rows).
     *
     * @param inputs input tensors in the model's order, at least one
     * @param outputs output tensors in the model's order, at least one
     * @param labels class names of {@code labelsOutput}'s last axis; empty for none
     * @param labelsOutput the output the labels name; null for the only output
     * @param normalizer applied to the single FP32 {@code [d, n]} input; null for none
     * @param featureNames names of that input's columns; may be empty
     */
    public static Signature tensors(
            List<TensorSpec> inputs,
            List<TensorSpec> outputs,
            List<String> labels,
            String labelsOutput,
            NormalizerSpec normalizer,
            List<String> featureNames) {
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("a tensor signature needs at least one input but has none");
        }
        return new Signature(
                null, null, 0, featureNames, labels, normalizer, null, null, null, inputs, outputs, labelsOutput);
    }

    /** Whether the model predicts values rather than classes. */
    @JsonIgnore
    public boolean isRegression() {
        return REGRESSION.equals(task);
    }

    /** Whether labels name the classes of {@link #labelsOutput()}, so {@value #LABEL} is answered too. */
    @JsonIgnore
    public boolean isClassification() {
        return CLASSIFICATION.equals(task);
    }

    /**
     * Whether this is the feature-rows kind (one FP32 {@code [-1, n]} input; {@value #PROBABILITIES} or the
     * regression output), which metadata formats 1 and 2 describe; false for any other tensor signature.
     */
    @JsonIgnore
    public boolean isFeatureRows() {
        if (TENSORS.equals(task) || featureCount < 1 || !"FP32".equals(datatype)) {
            return false;
        }
        Signature rows = new Signature(
                inputName,
                datatype,
                featureCount,
                featureNames,
                labelNames,
                normalizer,
                task,
                isRegression() ? targets : null,
                targetNormalizer);
        return rows.inputs.equals(inputs)
                && rows.outputs.equals(outputs)
                && Objects.equals(rows.labelsOutput, labelsOutput);
    }

    /** Values the network returns per row: one per class, or one per target; for tensors, the first output's. */
    @JsonIgnore
    public int outputWidth() {
        if (isRegression()) {
            return targets.size();
        }
        if (isClassification()) {
            return labelNames.size();
        }
        return itemSize(outputs.get(0));
    }

    /**
     * The name of the regression output tensor: the target's name when there is one target, else {@value #VALUE}.
     */
    @JsonIgnore
    public String valueOutputName() {
        return targets.size() == 1 ? targets.get(0) : VALUE;
    }

    /**
     * Every output a request may ask for, in order: the tensor outputs, then {@value #LABEL} for a classifier. For
     * feature rows exactly what the server answers: {@code [probabilities, label]} or the regression output.
     */
    @JsonIgnore
    public List<String> outputNames() {
        List<String> names = new ArrayList<>(names(outputs));
        if (isClassification()) {
            names.add(LABEL);
        }
        return List.copyOf(names);
    }

    /** The input named {@code name}, or null. */
    public TensorSpec input(String name) {
        return find(inputs, name);
    }

    /** The output named {@code name}, or null. */
    public TensorSpec output(String name) {
        return find(outputs, name);
    }

    /**
     * The JSON form: feature rows exactly as formats 1 and 2 wrote them (so their files and readers stay as they
     * were); tensors with their inputs and outputs, without the derived fields.
     */
    @JsonValue
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (isFeatureRows()) {
            m.put("inputName", inputName);
            m.put("datatype", datatype);
            m.put("featureCount", featureCount);
            m.put("featureNames", featureNames);
            m.put("labelNames", labelNames);
            m.put("normalizer", normalizer);
            m.put("task", task);
            m.put("targets", targets);
            m.put("targetNormalizer", targetNormalizer);
        } else {
            m.put("task", task);
            m.put("inputs", inputs);
            m.put("outputs", outputs);
            m.put("labelNames", labelNames);
            if (labelsOutput != null) {
                m.put("labelsOutput", labelsOutput);
            }
            m.put("featureNames", featureNames);
            m.put("normalizer", normalizer);
        }
        return m;
    }

    /** Elements of one item (all axes after the first) of {@code t}; -1 when one of them is dynamic. */
    static int itemSize(TensorSpec t) {
        long n = 1;
        for (int i = 1; i < t.shape().size(); i++) {
            long d = t.shape().get(i);
            if (d < 0) {
                return -1;
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return (int) n;
    }

    private static List<String> checkFeatureRows(
            int featureCount,
            List<String> labelNames,
            String task,
            List<String> targets,
            NormalizerSpec targetNormalizer) {
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1 but was " + featureCount);
        }
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
                return targets;
            }
            case REGRESSION -> {
                if (!labelNames.isEmpty()) {
                    throw new IllegalArgumentException(
                            "a regression signature has no labelNames but has " + labelNames);
                }
                List<String> t = targets.isEmpty() ? List.of(VALUE) : targets;
                if (new HashSet<>(t).size() != t.size()) {
                    throw new IllegalArgumentException("targets must be distinct but were " + t);
                }
                for (String name : t) {
                    if (name == null || !TARGET_NAME.matcher(name).matches()) {
                        throw new IllegalArgumentException(
                                "target name '" + name + "' must match " + TARGET_NAME.pattern());
                    }
                }
                int covered = targetNormalizer.featureCount();
                if (covered != -1 && covered != t.size()) {
                    throw new IllegalArgumentException("targetNormalizer covers " + covered + " values but there are "
                            + t.size() + " targets " + t);
                }
                return t;
            }
            default ->
                throw new IllegalArgumentException(
                        "task must be one of [classification, regression] but was '" + task + "'");
        }
    }

    private static List<TensorSpec> checkTensors(String field, List<TensorSpec> tensors) {
        if (tensors == null || tensors.isEmpty() || tensors.size() > MAX_TENSORS) {
            throw new IllegalArgumentException(field + " must hold 1 to " + MAX_TENSORS + " tensors but held "
                    + (tensors == null ? 0 : tensors.size()));
        }
        if (tensors.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(field + " must not contain null");
        }
        List<String> names = names(tensors);
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("names of " + field + " must be distinct but were " + names);
        }
        return List.copyOf(tensors);
    }

    private static String checkTensorTask(
            String task,
            List<String> labelNames,
            List<TensorSpec> outputs,
            String labelsOutput,
            List<String> targets,
            NormalizerSpec targetNormalizer) {
        if (!targets.isEmpty() || !NormalizerSpec.NONE.equals(targetNormalizer.kind())) {
            throw new IllegalArgumentException("a tensor signature has no targets or target normalizer but has "
                    + "targets " + targets + " and targetNormalizer " + targetNormalizer.kind());
        }
        switch (task) {
            case TENSORS -> {
                if (!labelNames.isEmpty() || labelsOutput != null) {
                    throw new IllegalArgumentException("a '" + TENSORS + "' signature has no labels but has "
                            + labelNames + (labelsOutput == null ? "" : " for output '" + labelsOutput + "'"));
                }
                return null;
            }
            case CLASSIFICATION -> {
                if (labelNames.isEmpty()) {
                    throw new IllegalArgumentException("a classification signature needs labelNames but has none");
                }
                if (new HashSet<>(labelNames).size() != labelNames.size()) {
                    throw new IllegalArgumentException("labelNames must be distinct but were " + labelNames);
                }
                if (labelsOutput == null && outputs.size() != 1) {
                    throw new IllegalArgumentException(
                            "labelsOutput must name the output the labels belong to, one " + "of " + names(outputs));
                }
                String name = labelsOutput == null ? outputs.get(0).name() : labelsOutput;
                TensorSpec out = find(outputs, name);
                if (out == null) {
                    throw new IllegalArgumentException(
                            "labelsOutput '" + name + "' must be one of the outputs " + names(outputs));
                }
                if (find(outputs, LABEL) != null) {
                    throw new IllegalArgumentException("a classifier answers '" + LABEL + "' itself, so no output "
                            + "may be named '" + LABEL + "' but outputs are " + names(outputs));
                }
                long classes = out.shape().get(out.shape().size() - 1);
                if (out.shape().size() != 2
                        || !(out.datatype().startsWith("FP"))
                        || (classes != -1 && classes != labelNames.size())) {
                    throw new IllegalArgumentException("labels output '" + name + "' must be FP32 or FP64 of shape "
                            + "[d, " + labelNames.size() + "] for " + labelNames.size() + " labels but is "
                            + out.datatype() + " " + out.shape());
                }
                return name;
            }
            default ->
                throw new IllegalArgumentException("task of a tensor signature must be one of "
                        + "[classification, tensors] but was '" + task + "'");
        }
    }

    private static void checkNormalizedInput(NormalizerSpec normalizer, List<TensorSpec> inputs) {
        if (NormalizerSpec.NONE.equals(normalizer.kind())) {
            return;
        }
        TensorSpec in = inputs.get(0);
        if (inputs.size() != 1
                || !"FP32".equals(in.datatype())
                || in.shape().size() != 2
                || in.shape().get(1) != normalizer.featureCount()) {
            throw new IllegalArgumentException("a " + normalizer.kind() + " normalizer over "
                    + normalizer.featureCount() + " features needs a single FP32 input of shape [d, "
                    + normalizer.featureCount() + "] but inputs are " + describe(inputs));
        }
    }

    private static TensorSpec find(List<TensorSpec> tensors, String name) {
        for (TensorSpec t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static List<String> names(List<TensorSpec> tensors) {
        return tensors.stream().map(t -> t == null ? null : t.name()).toList();
    }

    private static String describe(List<TensorSpec> tensors) {
        return tensors.stream()
                .map(t -> t.name() + " " + t.datatype() + " " + t.shape())
                .toList()
                .toString();
    }
}
