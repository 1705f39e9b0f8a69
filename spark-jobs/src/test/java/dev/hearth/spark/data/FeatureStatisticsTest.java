package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.store.NormalizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureStatisticsTest {

    private static FeatureStatistics stats() {
        FeatureStatistics a = new FeatureStatistics(2).add(new LabelledRow("x", new float[] {1, 10}));
        FeatureStatistics b = new FeatureStatistics(2)
                .add(new LabelledRow("y", new float[] {3, 10}))
                .add(new LabelledRow("y", new float[] {5, 10}));
        return a.merge(b);
    }

    @Test
    void minMaxFromMergedPartitions() {
        NormalizerSpec n = stats().normalizer("minmax");
        assertThat(n.min()).containsExactly(1, 10);
        // The constant column gets range 1 (scale 1): values are shifted, never divided by a tiny range.
        assertThat(n.max()).containsExactly(5, 11);
        double[] row = {3, 10};
        n.apply(row);
        assertThat(row).containsExactly(0.5, 0.0);
    }

    @Test
    void standardizeUsesPopulationStandardDeviation() {
        NormalizerSpec n = stats().normalizer("standardize");
        assertThat(n.mean()[0]).isEqualTo(3.0);
        assertThat(n.std()[0]).isCloseTo(Math.sqrt(8.0 / 3.0), within(1e-12));
        assertThat(n.mean()[1]).isEqualTo(10.0);
        assertThat(n.std()[1]).isEqualTo(1.0);
        double[] row = {5, 10};
        n.apply(row);
        assertThat(row[0]).isCloseTo(2 / Math.sqrt(8.0 / 3.0), within(1e-12));
        assertThat(row[1]).isEqualTo(0.0);
    }

    @Test
    void varianceOfALargeOffsetColumnMatchesTwoPassInEveryMergeOrder() {
        // Values near 1e4 spread by ~0.01: E[x²] − mean² cancels ~8 of double's 16 digits here.
        Random random = new Random(7);
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            values.add(new float[] {10_000f + (float) (random.nextGaussian() * 0.01)});
        }
        double mean = values.stream().mapToDouble(v -> v[0]).average().orElseThrow();
        double ss =
                values.stream().mapToDouble(v -> (v[0] - mean) * (v[0] - mean)).sum();
        double twoPass = Math.sqrt(ss / values.size());
        for (int parts : new int[] {1, 3, 16, 997}) {
            List<FeatureStatistics> partial = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                partial.add(new FeatureStatistics(1));
            }
            for (int i = 0; i < values.size(); i++) {
                partial.get(i % parts).add(new LabelledRow("x", values.get(i)));
            }
            FeatureStatistics merged = new FeatureStatistics(1);
            // Empty partials and uneven merge trees must not disturb the result.
            merged.merge(new FeatureStatistics(1));
            for (int p = parts - 1; p >= 0; p--) {
                merged = p % 2 == 0
                        ? merged.merge(partial.get(p))
                        : partial.get(p).merge(merged);
            }
            assertThat(merged.count()).isEqualTo(values.size());
            assertThat(merged.mean(0)).isCloseTo(mean, within(1e-9));
            assertThat(merged.std(0)).as("%d partitions", parts).isCloseTo(twoPass, within(twoPass * 1e-9));
        }
    }

    @Test
    void aConstantFloatColumnGetsScaleOneAndAChangedValueAtServingStaysSmall() {
        FeatureStatistics s = new FeatureStatistics(2);
        for (int i = 0; i < 1000; i++) {
            // Column 0: 0.1f always; column 1: neighbouring float32 values around 1000 (rounding noise only).
            s.add(new LabelledRow("x", new float[] {0.1f, i % 2 == 0 ? 1000f : Math.nextUp(1000f)}));
        }
        assertThat(s.std(0)).isEqualTo(0.0);
        assertThat(s.std(1)).isGreaterThan(0).isLessThan(1e-4);
        NormalizerSpec n = s.normalizer("standardize");
        assertThat(n.std()).containsExactly(1.0, 1.0);
        assertThat(s.constantColumns("standardize", FeatureStatistics.CONSTANT_TOLERANCE))
                .containsExactly(0, 1);
        float[] training = {0.1f, 1000f};
        n.apply(training, 0, 2);
        assertThat(training[0]).isEqualTo(0f);
        assertThat(Math.abs(training[1])).isLessThan(1e-4f);
        float[] serving = {0.2f, 1000.5f};
        n.apply(serving, 0, 2);
        assertThat(serving[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(serving[1]).isCloseTo(0.5f, within(1e-3f));
        float[] minmax = {0.2f, 1000.5f};
        s.normalizer("minmax").apply(minmax, 0, 2);
        assertThat(minmax[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(minmax[1]).isCloseTo(0.5f, within(1e-3f));
    }

    @Test
    void aSmallButRealSpreadIsNotConstant() {
        FeatureStatistics s = new FeatureStatistics(1);
        for (int i = 0; i < 100; i++) {
            s.add(new LabelledRow("x", new float[] {1e-8f * i}));
        }
        assertThat(s.constantColumns("standardize", FeatureStatistics.CONSTANT_TOLERANCE))
                .isEmpty();
        assertThat(s.normalizer("standardize").std()[0]).isCloseTo(s.std(0), within(1e-15));
    }
}
