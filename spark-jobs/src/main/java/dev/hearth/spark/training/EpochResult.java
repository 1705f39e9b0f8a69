package dev.hearth.spark.training;

/**
 * Progress after one epoch.
 *
 * @param epoch 1-based epoch number
 * @param loss training loss of the network after the epoch
 * @param validation validation metric (accuracy or MSE), NaN without a validation split
 * @param examplesPerSecond training throughput in the epoch
 * @param seconds wall time of the epoch's training pass
 */
public record EpochResult(int epoch, double loss, double validation, double examplesPerSecond, double seconds) {}
