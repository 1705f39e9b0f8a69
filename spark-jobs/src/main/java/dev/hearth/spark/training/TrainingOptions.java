package dev.hearth.spark.training;

/**
 * How an engine trains: the distributed-training knobs.
 *
 * @param workers number of training workers, 0 = Spark's default parallelism
 * @param batchSizePerWorker minibatch size each worker fits
 * @param averagingFrequency minibatches between averaging rounds
 * @param prefetchBatches minibatches prefetched per worker
 * @param approach {@code export}, {@code direct} or {@code auto}
 * @param exportDirectory directory for exported minibatches, empty for a temp dir
 * @param repartition {@code auto} (when partitions differ from workers), {@code always} or {@code never}
 * @param seed seed of the engine's random choices (data distribution to workers)
 * @param stats whether to record a per-round time breakdown of every epoch
 */
public record TrainingOptions(
        int workers, int batchSizePerWorker, int averagingFrequency, int prefetchBatches, String approach, String exportDirectory,
        String repartition, long seed, boolean stats) {}
