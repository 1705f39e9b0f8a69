package dev.hearth.spark.data;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Notices feature values whose written digits float32 cannot hold — timestamps, large ids, long decimals — and
 * keeps, per column, the first such value seen, merged across tasks so the driver can warn once. Features are
 * float32 from parsing to serving (the networks, the stored signature and the HTTP inputs are all FP32), so
 * these digits are lost everywhere alike; the warning is there so the loss is not silent.
 */
public final class PrecisionLoss extends AccumulatorV2<PrecisionLoss.Example, List<PrecisionLoss.Example>> {
    private static final long serialVersionUID = 1L;

    /** Columns remembered at most; enough to name every column of any realistic table. */
    private static final int MAX_COLUMNS = 1000;

    /** Float32 holds every decimal of up to six significant digits exactly enough to give it back. */
    private static final int SAFE_DIGITS = 6;

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

    /** Records {@code text} (parsed to {@code value}) of {@code column} when float32 lost some of its digits. */
    public void check(String text, float value, String column) {
        if (examples.containsKey(column) || significantDigits(text) <= SAFE_DIGITS) {
            return;
        }
        if (losesDigits(text, value)) {
            add(new Example(column, text, value));
        }
    }

    /** Whether {@code value}, written with as many significant digits as {@code text}, differs from it. */
    static boolean losesDigits(String text, float value) {
        try {
            String t = text.strip();
            // Quick path: the float's shortest decimal is the same number as the text.
            if (Double.parseDouble(Float.toString(value)) == Double.parseDouble(t)) {
                return false;
            }
            BigDecimal written = new BigDecimal(t);
            BigDecimal read = new BigDecimal(value).round(new MathContext(written.precision()));
            return read.compareTo(written) != 0;
        } catch (NumberFormatException e) {
            // Java float syntax BigDecimal does not take (hex, "1.5f"): not a value anyone writes digits of.
            return false;
        }
    }

    static int significantDigits(String text) {
        int digits = 0;
        boolean leading = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 'e' || c == 'E') {
                break;
            }
            if (c >= '0' && c <= '9' && (c != '0' || !leading)) {
                leading = false;
                digits++;
            }
        }
        return digits;
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
