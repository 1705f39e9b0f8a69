package dev.hearth.spark.training;

/**
 * What one epoch of training did.
 *
 * @param loss training loss of the network after the epoch
 * @param examples examples the workers fitted in the epoch (counted as they were fitted)
 */
public record EpochFit(double loss, long examples) {}
