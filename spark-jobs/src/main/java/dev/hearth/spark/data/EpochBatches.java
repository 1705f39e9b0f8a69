package dev.hearth.spark.data;

import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One epoch's minibatches laid out by its plan: partition {@code s} of {@code batches} holds, in order, the
 * minibatches of slot {@code s} of {@code plan} (one worker's share of one averaging round).
 *
 * <p>Engines that cache minibatches once for the whole run (Hearth's) use {@code blocks} instead: the run's
 * minibatches cut once, in the layout of epoch {@code blocksEpoch} (same plan shape), whose partitions they
 * reorder per epoch with {@link BlockOrder}. Building either RDD runs no Spark job; only the one an engine uses is
 * ever computed.
 *
 * @param epoch 1-based epoch number
 * @param plan which slot each partition is
 * @param batches the minibatches, one partition per slot
 * @param blocksEpoch the epoch whose layout {@code blocks} has
 * @param blocks the run's cacheable minibatch blocks, one partition per slot of that epoch's plan
 */
public record EpochBatches(
        int epoch, EpochPlan plan, JavaRDD<DataSet> batches, int blocksEpoch, JavaRDD<DataSet> blocks) {
    public EpochBatches {
        if (batches.getNumPartitions() != plan.slots()) {
            throw new IllegalArgumentException("epoch " + epoch + ": the minibatch RDD has "
                    + batches.getNumPartitions() + " partitions but the plan has " + plan.slots() + " slots");
        }
        if (blocks.getNumPartitions() != plan.slots()) {
            throw new IllegalArgumentException("epoch " + epoch + ": the minibatch block RDD has "
                    + blocks.getNumPartitions() + " partitions but the plan has " + plan.slots() + " slots");
        }
    }

    /** An epoch whose own minibatches are also the blocks to cache (one-epoch callers and tests). */
    public EpochBatches(int epoch, EpochPlan plan, JavaRDD<DataSet> batches) {
        this(epoch, plan, batches, epoch, batches);
    }
}
