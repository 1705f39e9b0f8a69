package dev.hearth.spark.training;

/**
 * How an engine trains: epochs and the distributed-training knobs.
 *
 * @param epochs passes over the training data, >= 1
 * @param batchSizePerWorker minibatch size each worker fits
 * @param averagingFrequency minibatches between averaging rounds
 * @param prefetchBatches minibatches prefetched per worker
 * @param approach {@code export}, {@code direct} or {@code auto}
 * @param exportDirectory directory for exported minibatches, empty for a temp dir
 */
public record TrainingOptions(
        int epochs, int batchSizePerWorker, int averagingFrequency, int prefetchBatches, String approach,
        String exportDirectory) {}
