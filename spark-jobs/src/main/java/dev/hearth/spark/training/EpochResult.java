package dev.hearth.spark.training;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Progress after one epoch.
 *
 * @param epoch 1-based epoch number
 * @param loss training loss of the network after the epoch
 * @param validation validation metric (accuracy or MSE), NaN without a validation split
 * @param examplesPerSecond training throughput in the epoch: examples fitted per second
 * @param seconds wall time of the epoch's training pass
 * @param breakdown where the averaging rounds' time went ({@code train.stats=true}), else null
 * @param examples examples fitted in the epoch (0 in checkpoints written before this was recorded)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochResult(
        int epoch,
        double loss,
        double validation,
        double examplesPerSecond,
        double seconds,
        RoundBreakdown breakdown,
        long examples) {

    /** A result without a time breakdown or a count of examples. */
    public EpochResult(int epoch, double loss, double validation, double examplesPerSecond, double seconds) {
        this(epoch, loss, validation, examplesPerSecond, seconds, null, 0);
    }
}
