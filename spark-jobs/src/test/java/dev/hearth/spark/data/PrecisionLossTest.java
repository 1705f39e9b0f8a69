package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrecisionLossTest {
    private static boolean loses(String text) {
        return PrecisionLoss.losesDigits(text, Float.parseFloat(text));
    }

    @Test
    void timestampsLargeIdsAndLargeValuesLoseDigits() {
        assertThat(loses("1700000123")).isTrue();
        assertThat(loses("-123456789012")).isTrue();
        assertThat(loses("16777217")).isTrue();
        assertThat(loses("20000000.5")).isTrue();
        assertThat(loses("98765432109876543210")).isTrue();
    }

    @Test
    void valuesFloat32HoldsToWithinHalfAUnitAreNotReported() {
        assertThat(loses("0.1")).isFalse();
        // A double's far decimals round away, but far below any spread a feature has.
        assertThat(loses("0.30000000000000004")).isFalse();
        assertThat(loses("3.14159265358979")).isFalse();
        assertThat(loses("12345678.91")).isFalse();
        assertThat(loses("1700000000")).isFalse();
        assertThat(loses("16777216")).isFalse();
        assertThat(loses("1.7e9")).isFalse();
    }

    @Test
    void onlyTheFirstValueOfAColumnIsKept() {
        PrecisionLoss p = new PrecisionLoss();
        p.check("12", 12f, "a");
        p.check("0.30000000000000004", 0.3f, "b");
        p.check("1700000123", 1700000123f, "ts");
        p.check("1700000999", 1700000999f, "ts");
        assertThat(p.value()).containsExactly(new PrecisionLoss.Example("ts", "1700000123", 1.70000013E9f));
        assertThat(p.value().get(0).describe()).isEqualTo("'1700000123' in column ts reads as 1.70000013E9");
        PrecisionLoss merged = new PrecisionLoss();
        merged.merge(p);
        merged.merge(p);
        assertThat(merged.value()).hasSize(1);
    }
}
