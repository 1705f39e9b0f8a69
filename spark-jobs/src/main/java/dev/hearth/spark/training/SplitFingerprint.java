package dev.hearth.spark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run's splits were: the rows and an order-independent content digest of each. Stored in every checkpoint
 * and in the published version's provenance; a resumed run must find the same splits, otherwise rows it already
 * trained on could now sit in validation or test.
 *
 * @param trainRows rows in the training split
 * @param trainDigest digest of the training rows (hex)
 * @param validationRows rows in the validation split (0 without one)
 * @param validationDigest digest of the validation rows
 * @param testRows rows in the test split
 * @param testDigest digest of the test rows
 */
public record SplitFingerprint(
        long trainRows,
        String trainDigest,
        long validationRows,
        String validationDigest,
        long testRows,
        String testDigest) {

    static SplitFingerprint of(long[] rows, long[] digests) {
        return new SplitFingerprint(rows[0], hex(digests[0]), rows[1], hex(digests[1]), rows[2], hex(digests[2]));
    }

    /** How {@code now} differs from this fingerprint, one entry per split that changed; empty when equal. */
    List<String> differences(SplitFingerprint now) {
        List<String> out = new ArrayList<>();
        compare(out, "train", trainRows, trainDigest, now.trainRows, now.trainDigest);
        compare(out, "validation", validationRows, validationDigest, now.validationRows, now.validationDigest);
        compare(out, "test", testRows, testDigest, now.testRows, now.testDigest);
        return out;
    }

    private static void compare(
            List<String> out, String split, long rows, String digest, long nowRows, String nowDigest) {
        if (rows != nowRows || !digest.equals(nowDigest)) {
            out.add(String.format(
                    Locale.ROOT,
                    "%s split: %d rows (digest %s) at the checkpoint, now %d rows (digest %s)",
                    split,
                    rows,
                    digest,
                    nowRows,
                    nowDigest));
        }
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "%016x", v);
    }
}
