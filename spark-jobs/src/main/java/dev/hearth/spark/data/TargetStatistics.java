package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;

/**
 * Count, mean and sum of squared deviations of a regression target, merged across partitions with one
 * {@code treeAggregate} (Welford's update, Chan's merge: no cancellation for targets like 1e5 ± 10), turned into
 * the target normaliser stored with the model. Scaling the target matters because a network's output starts near
 * 0 with unit-sized steps: with Adam at 1e-3 a target around 1e3–1e5 is reached only after thousands of epochs.
 */
public final class TargetStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A spread this small relative to the mean is rounding noise: such a target is treated as constant. */
    static final double RELATIVE_NOISE = 1e-9;

    private long count;
    private double mean;
    private double m2;

    /** The statistics of the regression labels of {@code rows}, in one distributed pass. */
    public static TargetStatistics of(JavaRDD<LabelledRow> rows) {
        return rows.treeAggregate(new TargetStatistics(), TargetStatistics::add, TargetStatistics::merge);
    }

    TargetStatistics add(LabelledRow row) {
        double y = LabelEncoding.parseTarget(row.label());
        count++;
        double delta = y - mean;
        mean += delta / count;
        m2 += delta * (y - mean);
        return this;
    }

    TargetStatistics merge(TargetStatistics o) {
        if (o.count == 0) {
            return this;
        }
        if (count == 0) {
            count = o.count;
            mean = o.mean;
            m2 = o.m2;
            return this;
        }
        long n = count + o.count;
        double delta = o.mean - mean;
        mean += delta * o.count / n;
        m2 += o.m2 + delta * delta * ((double) count * o.count / n);
        count = n;
        return this;
    }

    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    /** Population standard deviation; 0 for a constant (or numerically constant) target. */
    public double std() {
        double std = count == 0 ? 0 : Math.sqrt(Math.max(0, m2 / count));
        return std <= RELATIVE_NOISE * Math.abs(mean) ? 0 : std;
    }

    /**
     * The target normaliser of {@code kind}: {@code none}, or {@code standardize} (zero mean, unit variance; a
     * constant target maps to 0 and back to its value).
     */
    public NormalizerSpec normalizer(String kind) {
        if (NormalizerSpec.NONE.equals(kind)) {
            return NormalizerSpec.none();
        }
        if (!NormalizerSpec.STANDARDIZE.equals(kind)) {
            throw new IllegalArgumentException("target normalizer must be none or standardize but was '" + kind + "'");
        }
        if (count == 0) {
            throw new DataFormatException("cannot fit a target normaliser on an empty training split");
        }
        return new NormalizerSpec(kind, null, null, new double[] {mean}, new double[] {std()});
    }
}
