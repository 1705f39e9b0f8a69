package dev.hearth.store;

import java.util.List;
import java.util.Objects;

/**
 * What one serving replica observed while shadowing a model: per pair of versions (the primary that answered, the
 * shadow that ran the same request afterwards) how many requests and rows were compared and how they agreed. The
 * servers persist one summary per replica in the store ({@link ShadowSummaries}); the retrain gate merges them.
 *
 * @param model model name
 * @param replica the replica's name (the file's name)
 * @param updatedMillis when the replica wrote it (epoch milliseconds)
 * @param dropped shadow requests the replica dropped (its shadow queue was full), all pairs together
 * @param pairs one entry per pair of versions
 */
public record ShadowSummary(String model, String replica, long updatedMillis, long dropped, List<Pair> pairs) {
    /** Format of the stored file; a newer one is refused with both numbers. */
    public static final int FORMAT_VERSION = 1;

    public ShadowSummary {
        ModelNames.validate("model name", model);
        ModelNames.validate("replica", replica);
        if (dropped < 0) {
            throw new IllegalArgumentException("shadow summary dropped must be >= 0 but was " + dropped);
        }
        pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    }

    /**
     * Counts for one pair of versions.
     *
     * @param primary the version that answered the caller
     * @param shadow the version that ran the copy
     * @param regression whether outputs are values (compared by absolute difference) rather than classes (argmax)
     * @param requests shadow requests compared
     * @param rows rows compared
     * @param agreeingRows rows whose argmax was the same (classification)
     * @param absDiffSum sum of absolute differences over all output values (regression)
     * @param values output values compared (regression)
     * @param failed shadow requests that failed (not compared)
     */
    public record Pair(
            int primary,
            int shadow,
            boolean regression,
            long requests,
            long rows,
            long agreeingRows,
            double absDiffSum,
            long values,
            long failed) {
        public Pair {
            if (primary < 1 || shadow < 1) {
                throw new IllegalArgumentException(
                        "shadow pair versions must be >= 1 but were " + primary + " and " + shadow);
            }
            if (requests < 0
                    || rows < 0
                    || agreeingRows < 0
                    || agreeingRows > rows
                    || values < 0
                    || failed < 0
                    || !(absDiffSum >= 0)
                    || Double.isInfinite(absDiffSum)) {
                throw new IllegalArgumentException("shadow pair " + primary + "->" + shadow + " has inconsistent counts"
                        + " (requests " + requests + ", rows " + rows + ", agreeing " + agreeingRows + ", values "
                        + values + ", abs diff sum " + absDiffSum + ", failed " + failed + ")");
            }
        }

        /** Share of rows whose argmax agreed, NaN without rows. */
        public double agreement() {
            return rows == 0 ? Double.NaN : (double) agreeingRows / rows;
        }

        /** Mean absolute difference per output value, NaN without values. */
        public double meanAbsDiff() {
            return values == 0 ? Double.NaN : absDiffSum / values;
        }

        /** The sum of this pair's counts and {@code o}'s (same versions). */
        public Pair plus(Pair o) {
            return new Pair(
                    primary,
                    shadow,
                    regression || o.regression,
                    requests + o.requests,
                    rows + o.rows,
                    agreeingRows + o.agreeingRows,
                    absDiffSum + o.absDiffSum,
                    values + o.values,
                    failed + o.failed);
        }
    }

    /** The counts of {@code primary -> shadow} summed over {@code summaries}; null when none has that pair. */
    public static Pair merged(List<ShadowSummary> summaries, int primary, int shadow) {
        Pair sum = null;
        for (ShadowSummary s : summaries) {
            for (Pair p : s.pairs()) {
                if (p.primary() == primary && p.shadow() == shadow) {
                    sum = sum == null ? p : sum.plus(p);
                }
            }
        }
        return sum;
    }
}
