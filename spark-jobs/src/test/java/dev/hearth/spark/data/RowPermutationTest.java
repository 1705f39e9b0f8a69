package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowPermutationTest {
    private static long[] positions(long n, long seed, int epoch) {
        RowPermutation p = new RowPermutation(n, seed, epoch);
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = p.apply(i);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 5, 64, 1000, 1797, 4096, 4097, 65_537})
    void isABijection(long n) {
        long[] p = positions(n, 42, 1);
        long[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
    }

    @Test
    void sameSeedAndEpochGiveTheSameOrderOtherwiseAnother() {
        assertThat(positions(1000, 42, 1)).containsExactly(positions(1000, 42, 1));
        assertThat(positions(1000, 42, 2)).isNotEqualTo(positions(1000, 42, 1));
        assertThat(positions(1000, 43, 1)).isNotEqualTo(positions(1000, 42, 1));
    }

    @Test
    void neighboursAreScattered() {
        // Rows next to each other in the input (a label-sorted file) must not stay together: of 10,000 rows, the
        // first 1,000 (one class) should land about evenly in the ten tenths of the order.
        long[] p = positions(10_000, 7, 1);
        int[] tenths = new int[10];
        for (int i = 0; i < 1000; i++) {
            tenths[(int) (p[i] / 1000)]++;
        }
        for (int t : tenths) {
            assertThat(t).isBetween(60, 140);
        }
    }
}
