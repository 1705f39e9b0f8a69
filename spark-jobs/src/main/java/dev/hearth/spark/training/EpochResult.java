package dev.hearth.spark.training;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Progress after one epoch.
 *
 * @param epoch 1-based epoch number
 * @param loss training loss of the network after the epoch
 * @param validation validation metric (accuracy or MSE), NaN without a validation split
 * @param examplesPerSecond training throughput in the epoch
 * @param seconds wall time of the epoch's training pass
 * @param breakdown where the averaging rounds' time went ({@code train.stats=true}), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochResult(int epoch, double loss, double validation, double examplesPerSecond, double seconds,
        RoundBreakdown breakdown) {

    /** A result without a time breakdown. */
    public EpochResult(int epoch, double loss, double validation, double examplesPerSecond, double seconds) {
        this(epoch, loss, validation, examplesPerSecond, seconds, null);
    }
}
