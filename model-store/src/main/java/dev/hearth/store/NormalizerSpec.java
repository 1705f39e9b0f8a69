package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;

/**
 * Per-feature normalisation fitted on the training split and stored with the model, so training, batch scoring
 * and HTTP serving transform raw features identically. {@code minmax} maps [min, max] to [0, 1];
 * {@code standardize} maps to zero mean and unit variance; constant features map to 0.
 *
 * @param kind {@code none}, {@code minmax} or {@code standardize}
 * @param min per-feature minimum (minmax)
 * @param max per-feature maximum (minmax)
 * @param mean per-feature mean (standardize)
 * @param std per-feature population standard deviation (standardize)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NormalizerSpec(String kind, double[] min, double[] max, double[] mean, double[] std)
        implements java.io.Serializable {
    public static final String NONE = "none";
    public static final String MINMAX = "minmax";
    public static final String STANDARDIZE = "standardize";

    public NormalizerSpec {
        kind = kind == null ? NONE : kind.toLowerCase(Locale.ROOT);
        switch (kind) {
            case NONE -> {}
            case MINMAX -> requireSameLength(min, max, "min", "max");
            case STANDARDIZE -> requireSameLength(mean, std, "mean", "std");
            default ->
                throw new IllegalArgumentException(
                        "normalizer kind must be one of [none, minmax, standardize] but was '" + kind + "'");
        }
    }

    /** No normalisation. */
    public static NormalizerSpec none() {
        return new NormalizerSpec(NONE, null, null, null, null);
    }

    /** Number of features the statistics cover, or -1 for {@code none}. */
    public int featureCount() {
        return switch (kind) {
            case MINMAX -> min.length;
            case STANDARDIZE -> mean.length;
            default -> -1;
        };
    }

    /** Normalises {@code row} in place. */
    public void apply(double[] row) {
        switch (kind) {
            case MINMAX -> {
                for (int i = 0; i < row.length; i++) {
                    double range = max[i] - min[i];
                    row[i] = range > 0 ? (row[i] - min[i]) / range : 0.0;
                }
            }
            case STANDARDIZE -> {
                for (int i = 0; i < row.length; i++) {
                    row[i] = std[i] > 0 ? (row[i] - mean[i]) / std[i] : 0.0;
                }
            }
            default -> {}
        }
    }

    /** Normalises {@code row} (length {@code n} from {@code offset}) in place, in float precision. */
    public void apply(float[] row, int offset, int n) {
        switch (kind) {
            case MINMAX -> {
                for (int i = 0; i < n; i++) {
                    double range = max[i] - min[i];
                    row[offset + i] = range > 0 ? (float) ((row[offset + i] - min[i]) / range) : 0f;
                }
            }
            case STANDARDIZE -> {
                for (int i = 0; i < n; i++) {
                    row[offset + i] = std[i] > 0 ? (float) ((row[offset + i] - mean[i]) / std[i]) : 0f;
                }
            }
            default -> {}
        }
    }

    /**
     * Maps normalised values (length {@code n} from {@code offset}) back to original units in place: the inverse of
     * {@link #apply(float[], int, int)}, used on a regression model's outputs. A constant column (zero range or
     * standard deviation) maps back to its minimum or mean.
     */
    public void invert(float[] values, int offset, int n) {
        switch (kind) {
            case MINMAX -> {
                for (int i = 0; i < n; i++) {
                    values[offset + i] = (float) (values[offset + i] * Math.max(0, max[i] - min[i]) + min[i]);
                }
            }
            case STANDARDIZE -> {
                for (int i = 0; i < n; i++) {
                    values[offset + i] = (float) (values[offset + i] * std[i] + mean[i]);
                }
            }
            default -> {}
        }
    }

    /**
     * The factor by which column {@code i} was divided ({@code std} or {@code max - min}; 1 for {@code none}), so
     * an error measured on normalised values is {@code scale(i)} times smaller than in original units.
     */
    public double scale(int i) {
        return switch (kind) {
            case MINMAX -> Math.max(0, max[i] - min[i]);
            case STANDARDIZE -> std[i];
            default -> 1.0;
        };
    }

    private static void requireSameLength(double[] a, double[] b, String an, String bn) {
        if (a == null || b == null || a.length != b.length) {
            throw new IllegalArgumentException(
                    "normalizer " + an + " and " + bn + " must both be set with equal length");
        }
    }
}
