package dev.hearth.spark.data;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Notices feature values that float32 changes by half a unit or more — integers beyond 2²⁴ = 16,777,216 such as
 * timestamps and large ids, and other large values — and keeps, per column, the first such value seen, merged
 * across tasks so the driver can warn once. Features are float32 from parsing to serving (the networks, the
 * stored signature and the HTTP inputs are all FP32), so these digits are lost everywhere alike; the warning is
 * there so the loss is not silent. Values below 2²³ are never off by half a unit, and the rounding of their
 * far decimals (a double's seventeen digits) is far below any feature's spread, so they are not reported.
 */
public final class PrecisionLoss extends AccumulatorV2<PrecisionLoss.Example, List<PrecisionLoss.Example>> {
    private static final long serialVersionUID = 1L;

    /** Columns remembered at most; enough to name every column of any realistic table. */
    private static final int MAX_COLUMNS = 1000;

    /** Below this magnitude float32's step is at most 0.5, so no value is off by half a unit. */
    private static final float SAFE_MAGNITUDE = 0x1p23f;

    private static final BigDecimal HALF = new BigDecimal("0.5");

    /**
     * One value that lost digits.
     *
     * @param column the feature column
     * @param text the value as written
     * @param read the float32 value it became
     */
    public record Example(String column, String text, float read) implements Serializable {
        /** "'1700000123' in column ts reads as 1.70000013E9". */
        public String describe() {
            return "'" + text + "' in column " + column + " reads as " + read;
        }
    }

    private final Map<String, Example> examples = new LinkedHashMap<>();

    /** Records {@code text} (parsed to {@code value}) of {@code column} when float32 changed it by 0.5 or more. */
    public void check(String text, float value, String column) {
        if (Math.abs(value) < SAFE_MAGNITUDE || examples.containsKey(column)) {
            return;
        }
        if (losesDigits(text, value)) {
            add(new Example(column, text, value));
        }
    }

    /** Whether {@code value} differs from the number {@code text} writes by half a unit or more. */
    static boolean losesDigits(String text, float value) {
        try {
            String t = text.strip();
            double written = Double.parseDouble(t);
            if (Math.abs(written) < 0x1p52) {
                // A double holds such a value to well within 0.5, so the difference is exact enough.
                return Math.abs(written - value) >= 0.5;
            }
            return new BigDecimal(t).subtract(new BigDecimal(value)).abs().compareTo(HALF) >= 0;
        } catch (NumberFormatException e) {
            // Java float syntax BigDecimal does not take (hex, "1.5f"): not a value anyone writes digits of.
            return false;
        }
    }

    // Tasks each fill their own deserialised copy; the driver merges and reads under the lock.
    @Override
    public synchronized boolean isZero() {
        return examples.isEmpty();
    }

    @Override
    public synchronized AccumulatorV2<Example, List<Example>> copy() {
        PrecisionLoss c = new PrecisionLoss();
        c.examples.putAll(examples);
        return c;
    }

    @Override
    public synchronized void reset() {
        examples.clear();
    }

    @Override
    public synchronized void add(Example e) {
        if (examples.size() < MAX_COLUMNS) {
            examples.putIfAbsent(e.column(), e);
        }
    }

    @Override
    public synchronized void merge(AccumulatorV2<Example, List<Example>> other) {
        other.value().forEach(this::add);
    }

    /** The first example of each column that lost digits. */
    @Override
    public synchronized List<Example> value() {
        return new ArrayList<>(examples.values());
    }
}
