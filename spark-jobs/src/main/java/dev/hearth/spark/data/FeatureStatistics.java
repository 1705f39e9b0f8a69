package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-feature count, mean, sum of squared deviations, minimum and maximum, merged across partitions with one
 * {@code treeAggregate}; turned into the {@link NormalizerSpec} stored with the model.
 *
 * <p>The variance is accumulated with Welford's update inside a partition and Chan's pairwise formula across
 * partitions, never as E[x²] − mean²: that difference cancels catastrophically for columns whose spread is small
 * against their magnitude (timestamps, constant columns), leaving a standard deviation of rounding noise.
 */
public final class FeatureStatistics implements Serializable {
    private static final long serialVersionUID = 2L;

    /**
     * Relative spread at or below which a column counts as constant: about eight float32 steps (2⁻²³ ≈ 1.2e-7), so
     * what remains is rounding of the parsed values, not information.
     */
    public static final double CONSTANT_TOLERANCE = 1e-6;

    private static final Logger LOG = LoggerFactory.getLogger(FeatureStatistics.class);

    private long count;
    private final double[] mean;
    private final double[] m2;
    private final double[] min;
    private final double[] max;

    FeatureStatistics(int features) {
        mean = new double[features];
        m2 = new double[features];
        min = new double[features];
        max = new double[features];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /** Computes the statistics of {@code rows} in one distributed pass. */
    public static FeatureStatistics of(JavaRDD<LabelledRow> rows, int features) {
        return rows.treeAggregate(new FeatureStatistics(features), FeatureStatistics::add, FeatureStatistics::merge);
    }

    FeatureStatistics add(LabelledRow row) {
        float[] x = row.features();
        count++;
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double delta = v - mean[i];
            mean[i] += delta / count;
            m2[i] += delta * (v - mean[i]);
            if (v < min[i]) {
                min[i] = v;
            }
            if (v > max[i]) {
                max[i] = v;
            }
        }
        return this;
    }

    FeatureStatistics merge(FeatureStatistics o) {
        if (o.count == 0) {
            return this;
        }
        if (count == 0) {
            count = o.count;
            System.arraycopy(o.mean, 0, mean, 0, mean.length);
            System.arraycopy(o.m2, 0, m2, 0, m2.length);
            System.arraycopy(o.min, 0, min, 0, min.length);
            System.arraycopy(o.max, 0, max, 0, max.length);
            return this;
        }
        double n = (double) count + o.count;
        double weight = o.count / n;
        double pair = (double) count * o.count / n;
        for (int i = 0; i < mean.length; i++) {
            double delta = o.mean[i] - mean[i];
            mean[i] += delta * weight;
            m2[i] += o.m2[i] + delta * delta * pair;
            min[i] = Math.min(min[i], o.min[i]);
            max[i] = Math.max(max[i], o.max[i]);
        }
        count += o.count;
        return this;
    }

    public long count() {
        return count;
    }

    /** Mean of feature {@code i}. */
    public double mean(int i) {
        return mean[i];
    }

    /** Population standard deviation of feature {@code i}. */
    public double std(int i) {
        return count == 0 ? 0 : Math.sqrt(Math.max(0, m2[i] / count));
    }

    /** The normaliser of {@code kind} with the default constant-column tolerance; logs the constant columns. */
    public NormalizerSpec normalizer(String kind) {
        List<Integer> constant = constantColumns(kind, CONSTANT_TOLERANCE);
        if (!constant.isEmpty()) {
            LOG.info(
                    "{} of {} features are constant on the training split up to float32 rounding and get scale 1 "
                            + "(0-based feature indexes {})",
                    constant.size(),
                    mean.length,
                    constant.size() <= 20 ? constant : constant.subList(0, 20) + "...");
        }
        return normalizer(kind, CONSTANT_TOLERANCE);
    }

    /**
     * The normaliser of the given kind ({@code none}, {@code minmax}, {@code standardize}) for these statistics.
     * A column whose spread (standard deviation for {@code standardize}, range for {@code minmax}) is at most
     * {@code constantTolerance} times its largest absolute value is constant up to float32 rounding: it gets scale
     * 1, so training sees it centred (≈ 0) and a different value at serving time shifts the input by that
     * difference instead of multiplying it by 10⁶.
     */
    public NormalizerSpec normalizer(String kind, double constantTolerance) {
        if (count == 0) {
            throw new DataFormatException("cannot fit a normaliser on an empty training split");
        }
        return switch (kind) {
            case NormalizerSpec.MINMAX -> {
                double[] hi = max.clone();
                for (int i = 0; i < hi.length; i++) {
                    if (isConstant(max[i] - min[i], i, constantTolerance)) {
                        hi[i] = min[i] + 1;
                    }
                }
                yield new NormalizerSpec(kind, min.clone(), hi, null, null);
            }
            case NormalizerSpec.STANDARDIZE -> {
                double[] std = new double[mean.length];
                for (int i = 0; i < std.length; i++) {
                    std[i] = std(i);
                    if (isConstant(std[i], i, constantTolerance)) {
                        std[i] = 1;
                    }
                }
                yield new NormalizerSpec(kind, null, null, mean.clone(), std);
            }
            default -> NormalizerSpec.none();
        };
    }

    /** Indexes of the columns the normaliser of {@code kind} treats as constant under {@code constantTolerance}. */
    public List<Integer> constantColumns(String kind, double constantTolerance) {
        List<Integer> out = new ArrayList<>();
        boolean scaled = kind.equals(NormalizerSpec.MINMAX) || kind.equals(NormalizerSpec.STANDARDIZE);
        for (int i = 0; i < mean.length && count > 0 && scaled; i++) {
            double spread = kind.equals(NormalizerSpec.MINMAX) ? max[i] - min[i] : std(i);
            if (isConstant(spread, i, constantTolerance)) {
                out.add(i);
            }
        }
        return out;
    }

    private boolean isConstant(double spread, int i, double tolerance) {
        double magnitude = Math.max(Math.abs(min[i]), Math.abs(max[i]));
        return spread <= tolerance * magnitude || spread == 0;
    }
}
