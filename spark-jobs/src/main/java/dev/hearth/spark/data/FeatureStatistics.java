package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;

/**
 * Per-feature count, sum, sum of squares, minimum and maximum, merged across partitions with one
 * {@code treeAggregate}; turned into the {@link NormalizerSpec} stored with the model.
 */
public final class FeatureStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    private long count;
    private final double[] sum;
    private final double[] sumSq;
    private final double[] min;
    private final double[] max;

    FeatureStatistics(int features) {
        sum = new double[features];
        sumSq = new double[features];
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
            sum[i] += v;
            sumSq[i] += v * v;
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
        count += o.count;
        for (int i = 0; i < sum.length; i++) {
            sum[i] += o.sum[i];
            sumSq[i] += o.sumSq[i];
            min[i] = Math.min(min[i], o.min[i]);
            max[i] = Math.max(max[i], o.max[i]);
        }
        return this;
    }

    public long count() {
        return count;
    }

    /** The normaliser of the given kind ({@code none}, {@code minmax}, {@code standardize}) for these statistics. */
    public NormalizerSpec normalizer(String kind) {
        if (count == 0) {
            throw new DataFormatException("cannot fit a normaliser on an empty training split");
        }
        return switch (kind) {
            case NormalizerSpec.MINMAX -> new NormalizerSpec(kind, min.clone(), max.clone(), null, null);
            case NormalizerSpec.STANDARDIZE -> {
                double[] mean = new double[sum.length];
                double[] std = new double[sum.length];
                for (int i = 0; i < sum.length; i++) {
                    mean[i] = sum[i] / count;
                    std[i] = Math.sqrt(Math.max(0, sumSq[i] / count - mean[i] * mean[i]));
                }
                yield new NormalizerSpec(kind, null, null, mean, std);
            }
            default -> NormalizerSpec.none();
        };
    }
}
