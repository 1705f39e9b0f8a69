package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.store.NormalizerSpec;
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
        assertThat(n.max()).containsExactly(5, 10);
        double[] row = {3, 10};
        n.apply(row);
        assertThat(row).containsExactly(0.5, 0.0);
    }

    @Test
    void standardizeUsesPopulationStandardDeviation() {
        NormalizerSpec n = stats().normalizer("standardize");
        assertThat(n.mean()[0]).isEqualTo(3.0);
        assertThat(n.std()[0]).isCloseTo(Math.sqrt(8.0 / 3.0), within(1e-12));
        assertThat(n.std()[1]).isEqualTo(0.0);
        double[] row = {5, 10};
        n.apply(row);
        assertThat(row[0]).isCloseTo(2 / Math.sqrt(8.0 / 3.0), within(1e-12));
        assertThat(row[1]).isEqualTo(0.0);
    }
}
