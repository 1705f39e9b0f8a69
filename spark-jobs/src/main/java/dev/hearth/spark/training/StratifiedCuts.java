package dev.hearth.spark.training;

import dev.hearth.spark.data.LabelledRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * Per-class cut points of a stratified split, at the class's hash quantiles: of a class of {@code n} rows, the
 * {@code round(n·test)} rows with the smallest hash positions go to test and the next
 * {@code round(n·(test+validation)) − round(n·test)} to validation, always leaving at least one row of every class
 * in training. The exact quantiles are found without collecting every hash: one pass counts the rows below a
 * narrow band around each expected quantile and collects the positions inside it (whole small classes are
 * collected); a band that misses its quantile (a chance of about 1e-15) is widened to everything and retried.
 */
final class StratifiedCuts {
    /** Classes up to this size are collected whole: a band would not be much smaller. */
    private static final long SMALL_CLASS = 4096;

    /** Band half-width in standard deviations of the sample quantile. */
    private static final double SIGMAS = 8;

    private StratifiedCuts() {}

    /**
     * Cut points per class, {@code {testCut, validationCut}}.
     *
     * @param classCounts rows per class in {@code rows}
     */
    static Map<String, double[]> of(
            JavaRDD<LabelledRow> rows, long seed, double test, double validation, Map<String, Long> classCounts) {
        Map<String, double[]> cuts = new HashMap<>();
        // Per class: the 1-based ranks whose positions become the two cut points.
        Map<String, long[]> ranks = new HashMap<>();
        classCounts.forEach((label, n) -> {
            long testRows = Math.min(Math.round(n * test), n - 1);
            long heldOut = Math.min(Math.max(Math.round(n * (test + validation)), testRows), n - 1);
            ranks.put(label, new long[] {testRows + 1, heldOut + 1});
        });
        Map<String, double[][]> bands = new HashMap<>();
        ranks.forEach((label, r) -> bands.put(
                label, new double[][] {band(r[0], classCounts.get(label)), band(r[1], classCounts.get(label))}));
        while (!bands.isEmpty()) {
            Map<String, double[][]> wanted = new HashMap<>(bands);
            Tally tally = rows.treeAggregate(new Tally(), (t, row) -> t.add(row, seed, wanted), Tally::merge);
            bands.clear();
            wanted.forEach((label, b) -> {
                double[] c = new double[2];
                for (int which = 0; which < 2; which++) {
                    long rank = ranks.get(label)[which];
                    long below = tally.below.getOrDefault(label, new long[2])[which];
                    double[] inside = tally.sortedInside(label, which);
                    if (rank > below && rank <= below + inside.length) {
                        c[which] = inside[(int) (rank - below - 1)];
                    } else {
                        bands.put(label, new double[][] {{0, 1}, {0, 1}});
                    }
                }
                if (!bands.containsKey(label)) {
                    cuts.put(label, c);
                }
            });
        }
        return cuts;
    }

    /** The positions {@code [lo, hi]} that hold the {@code rank}-th smallest of {@code n} uniform positions. */
    private static double[] band(long rank, long n) {
        if (n <= SMALL_CLASS) {
            return new double[] {0, 1};
        }
        double q = (rank - 0.5) / n;
        double half = SIGMAS * Math.sqrt(q * (1 - q) / n) + SIGMAS / n;
        return new double[] {Math.max(0, q - half), Math.min(1, q + half)};
    }

    /** Per class and cut: rows below the band, and the positions inside it. */
    static final class Tally implements Serializable {
        private static final long serialVersionUID = 1L;

        final Map<String, long[]> below = new HashMap<>();
        final Map<String, List<List<Double>>> inside = new HashMap<>();

        Tally add(LabelledRow row, long seed, Map<String, double[][]> bands) {
            double[][] b = bands.get(row.label());
            if (b == null) {
                return this;
            }
            double u = SplitRule.position(seed, row);
            for (int which = 0; which < 2; which++) {
                if (u < b[which][0]) {
                    below.computeIfAbsent(row.label(), k -> new long[2])[which]++;
                } else if (u <= b[which][1]) {
                    lists(row.label()).get(which).add(u);
                }
            }
            return this;
        }

        Tally merge(Tally o) {
            o.below.forEach((label, n) -> {
                long[] mine = below.computeIfAbsent(label, k -> new long[2]);
                mine[0] += n[0];
                mine[1] += n[1];
            });
            o.inside.forEach((label, l) -> {
                List<List<Double>> mine = lists(label);
                mine.get(0).addAll(l.get(0));
                mine.get(1).addAll(l.get(1));
            });
            return this;
        }

        double[] sortedInside(String label, int which) {
            List<List<Double>> l = inside.get(label);
            double[] out = l == null
                    ? new double[0]
                    : l.get(which).stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(out);
            return out;
        }

        private List<List<Double>> lists(String label) {
            // Mutable collections only: Kryo rebuilds task results through add().
            return inside.computeIfAbsent(label, k -> new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>())));
        }
    }
}
