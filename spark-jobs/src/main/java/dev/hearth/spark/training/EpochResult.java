package dev.hearth.spark.training;

/**
 * Progress after one epoch.
 *
 * @param epoch 1-based epoch number
 * @param score training loss of the network after the epoch
 * @param examplesPerSecond training throughput in the epoch
 * @param seconds wall time of the epoch
 */
public record EpochResult(int epoch, double score, double examplesPerSecond, double seconds) {}
