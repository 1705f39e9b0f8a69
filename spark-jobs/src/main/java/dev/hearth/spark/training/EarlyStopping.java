package dev.hearth.spark.training;

import java.util.List;
import java.util.Locale;

/**
 * Which epoch is best so far and when to stop. A non-finite value (NaN, ±Inf) never counts as an improvement: a
 * non-finite training loss or validation metric means the run diverged, so the run stops and the best earlier
 * epoch is kept; before any finite epoch there is nothing to keep and the run fails. Without a validation split
 * every finite epoch is the best (the last one is kept), as there is nothing to compare on.
 */
final class EarlyStopping {
    /** What one finished epoch means for the run. */
    record Decision(boolean improved, String stopReason) {
        boolean stop() {
            return stopReason != null;
        }
    }

    private final boolean higherIsBetter;
    private final boolean hasValidation;
    private final int patience;
    private int bestEpoch;
    private double bestValue;

    /**
     * @param hasValidation whether the run measures a validation metric each epoch
     * @param patience epochs without improvement before stopping (0 = never)
     * @param history epochs already done (resume), else empty
     * @param bestEpoch best epoch of {@code history}, else 0
     */
    EarlyStopping(
            boolean higherIsBetter, boolean hasValidation, int patience, List<EpochResult> history, int bestEpoch) {
        this.higherIsBetter = higherIsBetter;
        this.hasValidation = hasValidation;
        this.patience = patience;
        this.bestEpoch = bestEpoch;
        this.bestValue = bestEpoch > 0 ? history.get(bestEpoch - 1).validation() : Double.NaN;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    /**
     * Records a finished epoch.
     *
     * @throws TrainingDivergedException when the loss or the validation metric is not finite and no earlier epoch
     *     can be kept
     */
    Decision record(EpochResult r) {
        String diverged = !Double.isFinite(r.loss())
                ? "the training loss is " + text(r.loss())
                : hasValidation && !Double.isFinite(r.validation())
                        ? "the validation metric is " + text(r.validation())
                        : null;
        if (diverged != null) {
            String message = String.format(Locale.ROOT, "epoch %d: %s, so training diverged", r.epoch(), diverged);
            if (bestEpoch == 0) {
                throw new TrainingDivergedException(message + " and there is no earlier epoch to keep; lower "
                        + "network.learning.rate, check the inputs for extreme values, or use normalizer=standardize");
            }
            return new Decision(false, message + "; stopping and keeping epoch " + bestEpoch);
        }
        boolean improved = !hasValidation
                || bestEpoch == 0
                || (higherIsBetter ? r.validation() > bestValue : r.validation() < bestValue);
        if (improved) {
            bestEpoch = r.epoch();
            bestValue = r.validation();
        }
        if (patience > 0 && r.epoch() - bestEpoch >= patience) {
            return new Decision(
                    improved,
                    String.format(
                            Locale.ROOT,
                            "early stopping after epoch %d: no better "
                                    + "validation metric for %d epochs; keeping epoch %d",
                            r.epoch(),
                            patience,
                            bestEpoch));
        }
        return new Decision(improved, null);
    }

    private static String text(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";
    }
}
