package dev.hearth.spark.training;

import dev.hearth.spark.data.LabelledRow;
import java.io.Serializable;
import java.util.Map;

/**
 * Which split a row belongs to, decided by the row alone: a 64-bit hash of {@code split.seed} and the row's split
 * key (its content — label and features — or the {@code split.key.column} text) mapped to a number in [0, 1) and
 * compared with cut points. The same seed and data give the same splits on any partitioning, fetch order or
 * cluster size; identical rows (and rows sharing a key) always land together, so duplicates cannot leak across.
 * Stratified rules have cut points per class, placed at the class's hash quantiles.
 */
final class SplitRule implements Serializable {
    private static final long serialVersionUID = 1L;

    static final int TRAIN = 0;
    static final int VALIDATION = 1;
    static final int TEST = 2;
    static final String[] NAMES = {"train", "validation", "test"};

    /** Seed of the content digests in the split fingerprint; fixed, so the digest does not depend on split.seed. */
    static final long DIGEST_SEED = 0x5EED_F1A6_E4D1_6E57L;

    private final long seed;
    private final double testCut;
    private final double validationCut;
    private final Map<String, double[]> classCuts;

    private SplitRule(long seed, double testCut, double validationCut, Map<String, double[]> classCuts) {
        this.seed = seed;
        this.testCut = testCut;
        this.validationCut = validationCut;
        this.classCuts = classCuts;
    }

    /** A test fraction {@code test} and a validation fraction {@code validation} of all rows, in expectation. */
    static SplitRule uniform(long seed, double test, double validation) {
        return new SplitRule(seed, test, test + validation, null);
    }

    /** Per class {@code {testCut, validationCut}}: rows below the first go to test, below the second to validation. */
    static SplitRule stratified(long seed, double test, double validation, Map<String, double[]> classCuts) {
        return new SplitRule(seed, test, test + validation, new java.util.HashMap<>(classCuts));
    }

    boolean isStratified() {
        return classCuts != null;
    }

    /** {@link #TRAIN}, {@link #VALIDATION} or {@link #TEST}. */
    int assign(LabelledRow row) {
        double u = position(seed, row);
        double[] cuts = classCuts == null ? null : classCuts.get(row.label());
        if (u < (cuts == null ? testCut : cuts[0])) {
            return TEST;
        }
        return u < (cuts == null ? validationCut : cuts[1]) ? VALIDATION : TRAIN;
    }

    /** The row's place in [0, 1) under {@code seed}: by its key when it has one, else by its content. */
    static double position(long seed, LabelledRow row) {
        long h = row.key() != null ? text(start(seed), row.key()) : content(start(seed), row);
        return (finish(h) >>> 11) * 0x1.0p-53;
    }

    /** A digest of the row's whole content (label, features and key), independent of any seed setting. */
    static long digest(LabelledRow row) {
        long h = content(start(DIGEST_SEED), row);
        return finish(row.key() == null ? h : text(step(h, 0x4B), row.key()));
    }

    private static long content(long h, LabelledRow row) {
        h = text(h, row.label() == null ? "" : row.label());
        float[] x = row.features();
        h = step(h, x.length);
        for (float v : x) {
            // -0.0 and 0.0 are the same feature value.
            h = step(h, Float.floatToIntBits(v == 0f ? 0f : v));
        }
        return h;
    }

    private static long text(long h, String s) {
        h = step(h, s.length());
        for (int i = 0; i < s.length(); i++) {
            h = step(h, s.charAt(i));
        }
        return h;
    }

    private static long start(long seed) {
        return finish(seed ^ 0x9E37_79B9_7F4A_7C15L);
    }

    // One round of a multiply-xorshift mix per 32-bit word; every step is a bijection of the state.
    private static long step(long h, int word) {
        h = (h ^ (word & 0xFFFF_FFFFL)) * 0xBF58_476D_1CE4_E5B9L;
        return h ^ (h >>> 31);
    }

    // MurmurHash3's 64-bit finaliser: full avalanche, so the top bits are uniform.
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        return h ^ (h >>> 33);
    }
}
