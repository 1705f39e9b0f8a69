package dev.hearth.spark.engine;

import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.engine.fused.FusedDenseStep;
import dev.hearth.spark.training.EpochFit;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.RoundBreakdown;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.runtime.AbstractFunction1;

/**
 * {@link TrainingEngine} on plain Spark primitives ({@code train.engine=hearth}): each averaging round of the
 * epoch's {@link EpochPlan} is one Spark job. The driver broadcasts the flat parameters and updater state, the
 * round's slots (one partition each, pruned from the epoch's minibatches, which are persisted once as serialised
 * blocks, {@code MEMORY_AND_DISK_SER}) each run K local steps with the fused dense step or DL4J's {@code fit}
 * ({@link RoundTask}), and one {@code treeAggregate} brings back the example-weighted sums, which the driver divides
 * into the network in place; the broadcast is destroyed after the round. Evaluation is DL4J's distributed
 * evaluation, as with the {@code dl4j} engine.
 */
public final class HearthEngine implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(HearthEngine.class);

    private final boolean fused;

    /** The engine; with {@code fused} false every worker uses DL4J's {@code fit} (for comparisons). */
    public HearthEngine(boolean fused) {
        this.fused = fused;
    }

    @Override
    public Session open(JavaSparkContext sc, MultiLayerNetwork network, TrainingOptions options) {
        String confJson = network.getLayerWiseConfigurations().toJson();
        String why = FusedDenseStep.unsupported(network);
        if (!fused) {
            LOG.info("Hearth engine: workers train with DL4J's fit (fused step off)");
        } else if (why != null) {
            LOG.info("Hearth engine: workers train with DL4J's fit, not the fused dense step: {}", why);
        } else {
            LOG.info("Hearth engine: workers train with the fused dense step");
        }
        return new Session() {
            private Session evaluation;
            private RoundBreakdown breakdown;
            /** This epoch's per-round times, summed: round, broadcast, averaging, worker init/data/compute (per worker). */
            private final double[] times = new double[6];

            @Override
            public EpochFit fitEpoch(EpochBatches epoch) {
                EpochPlan plan = epoch.plan();
                JavaRDD<DataSet> batches = epoch.batches();
                boolean persisted = batches.getStorageLevel().equals(StorageLevel.NONE());
                if (persisted) {
                    batches.persist(StorageLevel.MEMORY_AND_DISK_SER());
                }
                String description = sc.getLocalProperty("spark.job.description");
                double lastLoss = Double.NaN;
                long examples = 0;
                java.util.Arrays.fill(times, 0);
                try {
                    for (int r = 0; r < plan.rounds(); r++) {
                        sc.setJobDescription((description == null ? "" : description + ": ") + "epoch "
                                + epoch.epoch() + " round " + (r + 1) + " of " + plan.rounds());
                        RoundSums sums = round(batches, plan, r, epoch.epoch());
                        examples += sums.examples;
                        lastLoss = sums.loss / sums.examples;
                    }
                } finally {
                    sc.setJobDescription(description);
                    if (persisted) {
                        batches.unpersist(false);
                    }
                }
                network.setEpochCount(network.getEpochCount() + 1);
                int n = plan.rounds();
                double round = times[0] / n;
                double broadcast = times[1] / n;
                double average = times[2] / n;
                double workerTotal = (times[3] + times[4] + times[5]) / n;
                breakdown = new RoundBreakdown(n, round, broadcast, 0, times[3] / n, times[4] / n, times[5] / n, average,
                        Math.max(0, round - broadcast - average - workerTotal), 0);
                if (options.stats()) {
                    LOG.info("Epoch {}: {}", epoch.epoch(), breakdown.describe());
                }
                return new EpochFit(lastLoss, examples);
            }

            @Override
            public RoundBreakdown lastEpochBreakdown() {
                return breakdown;
            }

            private RoundSums round(JavaRDD<DataSet> batches, EpochPlan plan, int r, int epochNumber) {
                long t0 = System.nanoTime();
                INDArray stateView = network.getUpdater().getStateViewArray();
                float[] params = network.params().toFloatVector();
                float[] state = stateView == null ? new float[0] : stateView.toFloatVector();
                Broadcast<float[][]> start = sc.broadcast(new float[][] {params, state});
                long t1 = System.nanoTime();
                try {
                    JavaRDD<DataSet> slots = PartitionPruningRDD.create(batches.rdd(),
                            new SlotRange(plan.firstSlot(r), plan.slotsIn(r))).toJavaRDD();
                    RoundSums sums = slots.mapPartitions(new RoundTask(confJson, start, network.getIterationCount(),
                                    network.getEpochCount(), options.batchSizePerWorker(),
                                    options.seed() * 31 + epochNumber * 1009L + r, fused))
                            .treeAggregate(new RoundSums(), RoundSums::merge, RoundSums::merge);
                    if (sums.examples == 0) {
                        throw new IllegalStateException("round " + r + " of epoch " + epochNumber + " fitted no examples");
                    }
                    long t2 = System.nanoTime();
                    float scale = 1f / sums.examples;
                    for (int i = 0; i < sums.params.length; i++) {
                        sums.params[i] *= scale;
                    }
                    for (int i = 0; i < sums.state.length; i++) {
                        sums.state[i] *= scale;
                    }
                    network.setParams(Nd4j.create(sums.params, new long[] {1, sums.params.length}));
                    if (stateView != null) {
                        stateView.assign(Nd4j.create(sums.state, stateView.shape()));
                    }
                    network.setIterationCount(network.getIterationCount() + plan.maxBatches(r));
                    long t3 = System.nanoTime();
                    times[0] += (t3 - t0) / 1e6;
                    times[1] += (t1 - t0) / 1e6;
                    times[2] += (t3 - t2) / 1e6;
                    times[3] += sums.initMs / sums.workers;
                    times[4] += sums.dataMs / sums.workers;
                    times[5] += sums.computeMs / sums.workers;
                    return sums;
                } finally {
                    start.destroy(false);
                }
            }

            private Session evaluation() {
                if (evaluation == null) {
                    evaluation = new ParameterAveragingEngine().open(sc, network, options);
                }
                return evaluation;
            }

            @Override
            public EvaluationReport evaluate(JavaRDD<DataSet> data, List<String> labels) {
                return evaluation().evaluate(data, labels);
            }

            @Override
            public EvaluationReport evaluateRegression(JavaRDD<DataSet> data, long examples) {
                return evaluation().evaluateRegression(data, examples);
            }

            @Override
            public MultiLayerNetwork network() {
                return network;
            }

            @Override
            public String approach() {
                return "hearth";
            }

            @Override
            public void close() {
                if (evaluation != null) {
                    evaluation.close();
                }
            }
        };
    }

    /** Keeps the partitions of one round's slots. */
    private static final class SlotRange extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int first;
        private final int count;

        SlotRange(int first, int count) {
            this.first = first;
            this.count = count;
        }

        @Override
        public Object apply(Object partition) {
            int p = (Integer) partition;
            return p >= first && p < first + count;
        }
    }
}
