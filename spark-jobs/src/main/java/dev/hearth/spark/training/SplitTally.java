package dev.hearth.spark.training;

import dev.hearth.spark.data.LabelledRow;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;

/**
 * One distributed pass over an input that counts the rows of each split, sums their content digests (a sum, so
 * the result does not depend on partitioning or order) and, for classification, counts each class per split.
 * Computing it parses every row, so bad input fails here, before any training.
 */
final class SplitTally implements Serializable {
    private static final long serialVersionUID = 1L;

    final long[] rows = new long[3];
    final long[] digests = new long[3];
    /** Class → rows per split; null for regression (labels are numbers, not classes). */
    final HashMap<String, long[]> classes;

    private SplitTally(boolean classification) {
        classes = classification ? new HashMap<>() : null;
    }

    /** Tallies {@code rows} split by {@code rule}. */
    static SplitTally of(JavaRDD<LabelledRow> rows, SplitRule rule, boolean classification) {
        return rows.treeAggregate(
                new SplitTally(classification), (t, r) -> t.add(rule.assign(r), r), SplitTally::merge);
    }

    /** Tallies {@code rows} that all belong to {@code split} (a separate validation or test input). */
    static SplitTally whole(JavaRDD<LabelledRow> rows, int split, boolean classification) {
        return rows.treeAggregate(new SplitTally(classification), (t, r) -> t.add(split, r), SplitTally::merge);
    }

    SplitTally add(int split, LabelledRow row) {
        rows[split]++;
        digests[split] += SplitRule.digest(row);
        if (classes != null) {
            classes.computeIfAbsent(row.label(), k -> new long[3])[split]++;
        }
        return this;
    }

    SplitTally merge(SplitTally o) {
        for (int i = 0; i < 3; i++) {
            rows[i] += o.rows[i];
            digests[i] += o.digests[i];
        }
        if (classes != null) {
            o.classes.forEach((label, n) -> {
                long[] mine = classes.computeIfAbsent(label, k -> new long[3]);
                for (int i = 0; i < 3; i++) {
                    mine[i] += n[i];
                }
            });
        }
        return this;
    }

    /** Rows of each class in {@code split}, classes sorted by name; empty for regression. */
    Map<String, Long> classCounts(int split) {
        Map<String, Long> out = new TreeMap<>();
        if (classes != null) {
            classes.forEach((label, n) -> {
                if (n[split] > 0) {
                    out.put(label, n[split]);
                }
            });
        }
        return out;
    }
}
