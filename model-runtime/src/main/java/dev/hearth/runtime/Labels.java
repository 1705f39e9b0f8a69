package dev.hearth.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * A classifier's class names in output order, and the choice of classes from its probabilities: the most likely
 * class (argmax) and the {@code k} most likely. Everyone who turns probabilities into labels uses this (the server,
 * the Spark jobs, the notebooks), so ties break the same way everywhere: the lower class index wins.
 */
public final class Labels {
    private final List<String> names;

    /** @param names class names in output order, at least one */
    public Labels(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("labels need at least one class name but were " + names);
        }
        this.names = List.copyOf(names);
    }

    /** The class names in output order. */
    public List<String> names() {
        return names;
    }

    /** Number of classes. */
    public int size() {
        return names.size();
    }

    /** The most likely class of row {@code row} of {@code probabilities} ({@code rows x size()}, row-major). */
    public String label(float[] probabilities, int row) {
        return names.get(argmax(probabilities, row, names.size()));
    }

    /** The {@code k} most likely classes of a row, most likely first (fewer when there are fewer classes). */
    public List<String> topLabels(float[] probabilities, int row, int k) {
        List<String> out = new ArrayList<>();
        for (int c : topK(probabilities, row, names.size(), k)) {
            out.add(names.get(c));
        }
        return out;
    }

    /**
     * The index of the largest of the {@code classes} values of row {@code row} in {@code values} (row-major); the
     * first one on ties (a NaN never replaces the value chosen so far).
     */
    public static int argmax(float[] values, int row, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1 but was " + classes);
        }
        int at = row * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (values[at + c] > values[at + best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The indices of the {@code k} largest of the {@code classes} values of row {@code row}, largest first; on ties the
     * lower index first. {@code k} larger than {@code classes} gives all of them.
     */
    public static int[] topK(float[] values, int row, int classes, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 but was " + k);
        }
        int n = Math.min(k, classes);
        int at = row * classes;
        int[] top = new int[n];
        int filled = 0;
        // Insertion into a short sorted list: k is small (a handful of classes shown to a person).
        for (int c = 0; c < classes; c++) {
            float v = values[at + c];
            int pos = filled;
            while (pos > 0 && v > values[at + top[pos - 1]]) {
                pos--;
            }
            if (pos >= n) {
                continue;
            }
            int end = Math.min(filled, n - 1);
            System.arraycopy(top, pos, top, pos + 1, end - pos);
            top[pos] = c;
            filled = Math.min(filled + 1, n);
        }
        return top;
    }
}
