package dev.hearth.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How labels become targets: one-hot over known class names (classification) or the label parsed as a number
 * (regression). A label unseen in training is refused, naming the value and the known labels.
 */
public final class LabelEncoding implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> labels;
    private final Map<String, Integer> index = new HashMap<>();

    private LabelEncoding(List<String> labels) {
        this.labels = List.copyOf(labels);
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
    }

    /** Classification over these class names, in output order. */
    public static LabelEncoding classes(List<String> labels) {
        return new LabelEncoding(labels);
    }

    /** Regression: one numeric target. */
    public static LabelEncoding regression() {
        return new LabelEncoding(List.of());
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
            try {
                float v = Float.parseFloat(label);
                if (!Float.isFinite(v)) {
                    throw new NumberFormatException();
                }
                y[offset] = v;
            } catch (NumberFormatException e) {
                throw new DataFormatException("regression label '" + label + "' is not a finite number");
            }
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
