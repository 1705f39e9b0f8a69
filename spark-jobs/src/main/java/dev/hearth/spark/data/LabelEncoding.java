package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How labels become targets: one-hot over known class names (classification) or the label parsed as a number and
 * scaled by the target normaliser (regression). A label unseen in training is refused, naming the value and the
 * known labels.
 */
public final class LabelEncoding implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> labels;
    private final Map<String, Integer> index = new HashMap<>();
    /** Regression: how a parsed target is scaled before training ({@code none} for classification). */
    private final NormalizerSpec target;

    private LabelEncoding(List<String> labels, NormalizerSpec target) {
        this.labels = List.copyOf(labels);
        this.target = target;
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
    }

    /** Classification over these class names, in output order. */
    public static LabelEncoding classes(List<String> labels) {
        return new LabelEncoding(labels, NormalizerSpec.none());
    }

    /** Regression: one numeric target, unscaled. */
    public static LabelEncoding regression() {
        return regression(NormalizerSpec.none());
    }

    /** Regression: one numeric target, scaled by {@code target} (fitted on the training split). */
    public static LabelEncoding regression(NormalizerSpec target) {
        return new LabelEncoding(List.of(), target == null ? NormalizerSpec.none() : target);
    }

    /** The regression target's normaliser ({@code none} for classification and unscaled targets). */
    public NormalizerSpec target() {
        return target;
    }

    /** A regression label as a number; refused, naming the value, unless it is a finite float. */
    public static float parseTarget(String label) {
        try {
            float v = Float.parseFloat(label);
            if (Float.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new DataFormatException("regression label '" + label + "' is not a finite number");
    }

    /** Class names sorted numerically when all are numbers, else as text. */
    public static List<String> sorted(List<String> labels) {
        List<String> out = new ArrayList<>(labels);
        boolean numeric = out.stream().allMatch(l -> l.matches("-?\\d+(\\.\\d+)?"));
        out.sort(numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return out;
    }

    public boolean isRegression() {
        return labels.isEmpty();
    }

    public List<String> labels() {
        return labels;
    }

    /** Width of the target vector. */
    public int outputs() {
        return isRegression() ? 1 : labels.size();
    }

    /** Writes the target of {@code label} into {@code y} at {@code offset}. */
    public void encode(String label, float[] y, int offset) {
        if (isRegression()) {
            y[offset] = parseTarget(label);
            target.apply(y, offset, 1);
            return;
        }
        Integer i = index.get(label);
        if (i == null) {
            throw new DataFormatException("label '" + label + "' was not seen in training (known labels: "
                    + (labels.size() <= 20 ? labels : labels.subList(0, 20) + "...") + ")");
        }
        y[offset + i] = 1f;
    }
}
