package dev.hearth.spark.training;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * How an engine trains: the distributed-training knobs.
 *
 * @param workers number of training workers, 0 = Spark's default parallelism
 * @param batchSizePerWorker minibatch size each worker fits
 * @param averagingFrequency the most minibatches a worker fits between averaging rounds
 * @param prefetchBatches minibatches prefetched per worker
 * @param approach {@code export}, {@code direct} or {@code auto}
 * @param exportDirectory directory for exported minibatches, empty for a temp dir
 * @param seed seed of the engine's random choices
 * @param stats whether to record a per-round time breakdown of every epoch
 */
public record TrainingOptions(
        int workers, int batchSizePerWorker, int averagingFrequency, int prefetchBatches, String approach, String exportDirectory,
        long seed, boolean stats) {

    /** The number of workers on {@code sc}: {@link #workers()}, or Spark's default parallelism when that is 0. */
    public int workers(JavaSparkContext sc) {
        return workers > 0 ? workers : sc.defaultParallelism();
    }
}
