package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How labels become targets: one-hot over known class names (classification) or the label parsed as a number and
 * scaled by the target normaliser (regression). A label unseen in training is refused, naming the value and the
 * known labels.
 *
 * <p>Labels are matched in {@linkplain #canonical(String) canonical form}, so the class a Parquet file stores as the
 * double {@code 1.0} and a CSV file writes as {@code 1} is one class.
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
            // Canonical keys: a model trained before labels were canonicalised may list "1.0".
            Integer previous = index.put(canonical(labels.get(i)), i);
            if (previous != null) {
                throw new DataFormatException("labels '" + labels.get(previous) + "' and '" + labels.get(i)
                        + "' are the same class (" + canonical(labels.get(i)) + ")");
            }
        }
    }

    /**
     * The canonical text of a label: a number written with a decimal point, an exponent or a plus sign becomes its
     * shortest plain form ({@code 1.0} and {@code +1} become {@code 1}, {@code 2.50} becomes {@code 2.5},
     * {@code 1E3} becomes {@code 1000}), because readers render the same class differently (Parquet doubles, LibSVM
     * {@code +1}). Plain integers (also {@code 007}, which is likelier a code than a number) and any other text are
     * kept as they are.
     */
    public static String canonical(String label) {
        if (label == null || label.isEmpty() || !looksRewritable(label)) {
            return label;
        }
        try {
            BigDecimal d = new BigDecimal(label).stripTrailingZeros();
            // Guard against 1e999999999 turning into a billion digits.
            if (Math.abs(d.scale()) > 64) {
                return label;
            }
            return d.signum() == 0 ? "0" : d.toPlainString();
        } catch (NumberFormatException e) {
            return label;
        }
    }

    private static boolean looksRewritable(String label) {
        char first = label.charAt(0);
        if (!(first == '+' || first == '-' || first == '.' || (first >= '0' && first <= '9'))) {
            return false;
        }
        return label.indexOf('.') >= 0 || label.indexOf('e') >= 0 || label.indexOf('E') >= 0 || first == '+';
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
        Integer i = index.get(canonical(label));
        if (i == null) {
            throw new DataFormatException("label '" + label + "' was not seen in training (known labels: "
                    + (labels.size() <= 20 ? labels : labels.subList(0, 20) + "...") + ")");
        }
        y[offset + i] = 1f;
    }
}
