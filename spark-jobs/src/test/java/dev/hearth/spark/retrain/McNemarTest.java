package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/** McNemar's exact test against values computed exactly (binomial sums in integers). */
class McNemarTest {

    @Test
    void smallTableMatchesTheBinomialTailComputedByHand() {
        // b = 1, c = 9: P(X <= 1 | n = 10) = (C(10,0) + C(10,1)) / 2^10 = 11/1024; two-sided: 22/1024.
        assertThat(McNemar.pValue(1, 9)).isCloseTo(22.0 / 1024, within(1e-15));
        assertThat(McNemar.pValue(9, 1)).isCloseTo(22.0 / 1024, within(1e-15));
        // b = 0, c = 5: 2 * 1/32
        assertThat(McNemar.pValue(0, 5)).isCloseTo(2.0 / 32, within(1e-15));
        // b = 2, c = 8: 2 * (1 + 10 + 45) / 1024 = 112/1024
        assertThat(McNemar.pValue(2, 8)).isCloseTo(112.0 / 1024, within(1e-15));
    }

    @Test
    void noDifferenceGivesOne() {
        assertThat(McNemar.pValue(0, 0)).isEqualTo(1.0);
        assertThat(McNemar.pValue(7, 7)).isEqualTo(1.0);
        assertThat(McNemar.pValue(7, 8)).isEqualTo(1.0);
    }

    @Test
    void textbookTableAndLargeCountsMatchExactIntegerSums() {
        // The classic table (a=101, b=121, c=59, d=33): chi-square 21.35, p about 4e-6; exact binomial below.
        assertThat(McNemar.pValue(121, 59)).isCloseTo(exact(121, 59), within(exact(121, 59) * 1e-9));
        assertThat(McNemar.pValue(121, 59)).isBetween(1e-6, 1e-5);
        for (long[] bc : new long[][] {{40, 60}, {480, 520}, {4000, 4200}, {30, 2000}}) {
            double want = exact(bc[0], bc[1]);
            assertThat(McNemar.pValue(bc[0], bc[1]))
                    .as("b=%d c=%d", bc[0], bc[1])
                    .isCloseTo(want, within(Math.max(want * 1e-9, 1e-300)));
        }
    }

    @Test
    void negativeCountsAreRefused() {
        assertThatThrownBy(() -> McNemar.pValue(-1, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    /** 2 * sum_{i <= min(b,c)} C(n, i) / 2^n with big integers, capped at 1. */
    private static double exact(long b, long c) {
        int n = (int) (b + c);
        int k = (int) Math.min(b, c);
        BigInteger sum = BigInteger.ZERO;
        BigInteger choose = BigInteger.ONE;
        for (int i = 0; i <= k; i++) {
            sum = sum.add(choose);
            choose = choose.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        BigDecimal p = new BigDecimal(sum.shiftLeft(1))
                .divide(new BigDecimal(BigInteger.ONE.shiftLeft(n)), new MathContext(40));
        return Math.min(1.0, p.doubleValue());
    }
}
