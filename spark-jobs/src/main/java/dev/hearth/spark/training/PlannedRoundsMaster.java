package dev.hearth.spark.training;

import dev.hearth.spark.data.EpochPlan;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.runtime.AbstractFunction1;

/**
 * DL4J's {@link ParameterAveragingTrainingMaster} made to follow an {@link EpochPlan}, so that every minibatch is
 * fitted exactly once and each round is averaged by the examples each worker fitted.
 *
 * <p>Left alone, DL4J 1.0.0-M2 cuts an epoch into {@code floor(minibatches / (workers x averagingFrequency))}
 * random splits (rounding down), lets each worker of a split fit at most {@code averagingFrequency} minibatches and
 * silently drops the rest, and divides the summed parameters by the number of workers however much each fitted
 * (measured: 9.9% of the quickstart's examples were never fitted, every epoch). Here the epoch's RDD (minibatches,
 * or the exported file of each slot) already has one partition per slot of the plan, in order; each DL4J "split"
 * is one round's slots, taken as they are (no repartitioning: {@code Repartition.Never} must be set), so every
 * worker gets its slot and no slot holds more than {@code averagingFrequency} minibatches (DL4J's worker cuts what
 * it loads into minibatches of {@code batchSizePerWorker} rows). Before DL4J sums a round's results,
 * each one is scaled by {@code examples(slot) x slots / examples(round)}: DL4J's division by the slot count then
 * gives the example-weighted mean of parameters, updater state and score (a no-op when the slots are equal).
 */
final class PlannedRoundsMaster extends ParameterAveragingTrainingMaster {
    private static final long serialVersionUID = 1L;

    private transient EpochPlan plan;

    PlannedRoundsMaster(ParameterAveragingTrainingMaster.Builder builder) {
        super(builder);
    }

    /** The plan the next {@code fit} or {@code fitPaths} call follows. */
    void follow(EpochPlan next) {
        if (next.averagingFrequency() > averagingFrequency) {
            throw new IllegalArgumentException("the epoch plan lets a worker fit " + next.averagingFrequency()
                    + " minibatches per round but DL4J stops each worker after " + averagingFrequency);
        }
        this.plan = next;
    }

    private EpochPlan plan(int total, int partitions) {
        if (plan == null) {
            throw new IllegalStateException("no epoch plan to follow: call follow(plan) before fitting");
        }
        // Minibatches (direct) or one exported file per slot (export), one partition per slot.
        if ((total != plan.batches() && total != plan.slots()) || partitions != plan.slots()) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "the training RDD holds %d elements in %d" + " partitions; its plan has %d minibatches in %d slots",
                    total,
                    partitions,
                    plan.batches(),
                    plan.slots()));
        }
        return plan;
    }

    /** One split per round of the plan: the round's slots (partitions) as they are. */
    @Override
    @SuppressWarnings("unchecked")
    protected <T> JavaRDD<T>[] getSplitRDDs(JavaRDD<T> data, int total, int examplesPerObject) {
        EpochPlan p = plan(total, data.getNumPartitions());
        JavaRDD<T>[] rounds = new JavaRDD[p.rounds()];
        for (int r = 0; r < rounds.length; r++) {
            int first = p.firstSlot(r);
            rounds[r] = new JavaRDD<>(
                    PartitionPruningRDD.create(data.rdd(), new SlotRange(first, first + p.slotsIn(r))),
                    data.classTag());
        }
        return rounds;
    }

    @Override
    protected void processResults(
            SparkDl4jMultiLayer network,
            SparkComputationGraph graph,
            JavaRDD<ParameterAveragingTrainingResult> results,
            int splitNum,
            int totalSplits) {
        int round = splitNum - 1;
        int slots = plan.slotsIn(round);
        long roundExamples = plan.roundExamples(round);
        double[] factors = new double[slots];
        boolean equal = true;
        for (int i = 0; i < slots; i++) {
            factors[i] = (double) plan.examples(plan.firstSlot(round) + i) * slots / roundExamples;
            equal &= factors[i] == 1.0;
        }
        super.processResults(
                network,
                graph,
                equal ? results : results.mapPartitionsWithIndex(scale(factors), true),
                splitNum,
                totalSplits);
        if (network != null) {
            // DL4J advances the iteration count (learning-rate schedules) by averagingFrequency per round; the
            // replicas of this round made at most maxBatches updates.
            MultiLayerConfiguration conf = network.getNetwork().getLayerWiseConfigurations();
            conf.setIterationCount(conf.getIterationCount() - averagingFrequency + plan.maxBatches(round));
        }
    }

    /** Scales each slot's result by its factor (static: the closure must not capture this master). */
    private static Function2<
                    Integer, Iterator<ParameterAveragingTrainingResult>, Iterator<ParameterAveragingTrainingResult>>
            scale(double[] factors) {
        return (slot, it) -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public ParameterAveragingTrainingResult next() {
                return scaled(it.next(), factors[slot]);
            }
        };
    }

    private static ParameterAveragingTrainingResult scaled(ParameterAveragingTrainingResult r, double factor) {
        INDArray params = r.getParameters();
        if (params == null || factor == 1.0) {
            return r;
        }
        INDArray updater = r.getUpdaterState();
        return new ParameterAveragingTrainingResult(
                params.mul(factor),
                updater == null ? null : updater.mul(factor),
                r.getScore() * factor,
                r.getSparkTrainingStats(),
                r.getListenerMetaData(),
                r.getListenerStaticInfo(),
                r.getListenerUpdates());
    }

    /** Keeps the partitions {@code [from, to)}. */
    static final class SlotRange extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int from;
        private final int to;

        SlotRange(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public Object apply(Object partition) {
            int p = (Integer) partition;
            return p >= from && p < to;
        }
    }
}
