package dev.hearth.spark.data;

import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One epoch's minibatches laid out by its plan: partition {@code s} of {@code batches} holds, in order, the
 * minibatches of slot {@code s} of {@code plan} (one worker's share of one averaging round).
 *
 * @param epoch 1-based epoch number
 * @param plan which slot each partition is
 * @param batches the minibatches, one partition per slot
 */
public record EpochBatches(int epoch, EpochPlan plan, JavaRDD<DataSet> batches) {
    public EpochBatches {
        if (batches.getNumPartitions() != plan.slots()) {
            throw new IllegalArgumentException("epoch " + epoch + ": the minibatch RDD has "
                    + batches.getNumPartitions() + " partitions but the plan has " + plan.slots() + " slots");
        }
    }
}
