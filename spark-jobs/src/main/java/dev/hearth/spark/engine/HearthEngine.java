package dev.hearth.spark.engine;

import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.engine.fused.FlatValues;
import dev.hearth.spark.engine.fused.FusedDenseStep;
import dev.hearth.spark.training.EpochFit;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.RoundBreakdown;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import dev.hearth.spark.data.BlockOrder;
import java.io.Serializable;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.runtime.AbstractFunction1;

/**
 * {@link TrainingEngine} on plain Spark primitives ({@code train.engine=hearth}). The run's minibatches are cut
 * once (blocks = the slots of the first epoch's {@link EpochPlan}) and persisted once per session as serialised
 * blocks ({@code MEMORY_AND_DISK_SER}, unpersisted at close); each epoch fits every block once, in the order of
 * {@link BlockOrder} (a seeded permutation after the first epoch). Each averaging round is one Spark job: it takes
 * as many blocks as there are executor task slots alive at its start ({@link LiveWorkers}, capped by
 * {@code train.workers} when that is not 0), so under dynamic allocation a joining executor works from the next
 * round and a leaving one costs only its round's task, which Spark retries. The driver broadcasts the flat
 * parameters and updater state (destroyed after the round), each chosen block runs K local steps on an executor's
 * kept worker ({@link RoundTask}, {@link WorkerSessions}), and one {@code treeAggregate} brings back the
 * example-weighted sums, which the driver divides into the network in place. The network configuration travels
 * once, in a session broadcast. Evaluation is DL4J's distributed evaluation, as with the {@code dl4j} engine.
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
        String why = FusedDenseStep.unsupported(network);
        if (!fused) {
            LOG.info("Hearth engine: workers train with DL4J's fit (fused step off)");
        } else if (why != null) {
            LOG.info("Hearth engine: workers train with DL4J's fit, not the fused dense step: {}", why);
        } else {
            LOG.info("Hearth engine: workers train with the fused dense step");
        }
        if (!sc.isLocal() && !"0".equals(sc.getConf().get("spark.locality.wait", "3s").replaceAll("[a-z]+$", ""))) {
            LOG.warn("Hearth engine: spark.locality.wait is {}: a round whose cached blocks sit on a busy executor"
                    + " waits that long before another executor reads them; set it to 0 for train.engine=hearth",
                    sc.getConf().get("spark.locality.wait", "3s"));
        }
        SessionSetup setup = new SessionSetup(UUID.randomUUID().toString(),
                network.getLayerWiseConfigurations().toJson(), options.batchSizePerWorker(), fused);
        Broadcast<SessionSetup> shared = sc.broadcast(setup);
        LiveWorkers live = new LiveWorkers(sc);
        return new Session() {
            private Session evaluation;
            private RoundBreakdown breakdown;
            /** The run's minibatch blocks, cached on first use and kept until close, and the plan they were cut by. */
            private JavaRDD<DataSet> blocks;
            private EpochPlan blockPlan;
            private int blocksEpoch;
            private boolean persistedHere;
            /** This epoch's per-round times, summed: round, broadcast, averaging, worker init/data/compute (per worker). */
            private final double[] times = new double[6];

            @Override
            public EpochFit fitEpoch(EpochBatches epoch) {
                EpochPlan plan = epoch.plan();
                if (blocks == null) {
                    blocks = epoch.blocks();
                    blockPlan = plan;
                    blocksEpoch = epoch.blocksEpoch();
                    if (blocks.getStorageLevel().equals(StorageLevel.NONE())) {
                        // Once for the whole session: later epochs reorder these blocks and re-read no input.
                        blocks.persist(StorageLevel.MEMORY_AND_DISK_SER());
                        persistedHere = true;
                    }
                } else if (plan.slots() != blockPlan.slots() || plan.examples() != blockPlan.examples()) {
                    throw new IllegalArgumentException("epoch " + epoch.epoch() + " plans " + plan + ", but the"
                            + " session's cached minibatch blocks were cut by " + blockPlan);
                }
                String description = sc.getLocalProperty("spark.job.description");
                int[] order = BlockOrder.of(blockPlan.slots(), blocksEpoch, options.seed(), epoch.epoch());
                double lastLoss = Double.NaN;
                long examples = 0;
                int rounds = 0;
                java.util.Arrays.fill(times, 0);
                try {
                    for (int next = 0; next < order.length; rounds++) {
                        long t0 = System.nanoTime();
                        int alive = live.count();
                        int workers = options.workers() > 0 ? Math.min(options.workers(), alive) : alive;
                        int[] chosen = java.util.Arrays.copyOfRange(order, next, Math.min(order.length, next + workers));
                        next += chosen.length;
                        sc.setJobDescription((description == null ? "" : description + ": ") + "epoch "
                                + epoch.epoch() + " round " + (rounds + 1) + " (" + chosen.length + " workers)");
                        RoundSums sums = round(chosen, epoch.epoch(), rounds);
                        examples += sums.examples;
                        lastLoss = sums.loss / sums.examples;
                        LOG.info("Epoch {} round {}: {} workers ({} alive), {} examples, {} ms", epoch.epoch(),
                                rounds + 1, chosen.length, alive, sums.examples,
                                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
                    }
                } finally {
                    sc.setJobDescription(description);
                }
                network.setEpochCount(network.getEpochCount() + 1);
                int n = rounds;
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

            /** One averaging round over the cached blocks {@code chosen}, one worker each: one Spark job. */
            private RoundSums round(int[] chosen, int epochNumber, int r) {
                long t0 = System.nanoTime();
                INDArray stateView = network.getUpdater().getStateViewArray();
                float[] params = FlatValues.weighted(network.params(), 1f);
                float[] state = stateView == null ? new float[0] : FlatValues.weighted(stateView, 1f);
                Broadcast<float[][]> start = sc.broadcast(new float[][] {params, state});
                long t1 = System.nanoTime();
                try {
                    BitSet keep = new BitSet(blockPlan.slots());
                    int steps = 0;
                    for (int b : chosen) {
                        keep.set(b);
                        steps = Math.max(steps, blockPlan.batches(b));
                    }
                    JavaRDD<DataSet> slots = PartitionPruningRDD.create(blocks.rdd(), new BlockSet(keep)).toJavaRDD();
                    RoundSums sums = slots.mapPartitions(new RoundTask(shared, start, network.getIterationCount(),
                                    network.getEpochCount(), options.seed() * 31 + epochNumber * 1009L + r))
                            .treeAggregate(new RoundSums(), RoundSums::merge, RoundSums::merge,
                                    chosen.length > 8 ? 2 : 1);
                    if (sums.examples == 0) {
                        throw new IllegalStateException("round " + (r + 1) + " of epoch " + epochNumber
                                + " fitted no examples");
                    }
                    long t2 = System.nanoTime();
                    float scale = 1f / sums.examples;
                    for (int i = 0; i < sums.params.length; i++) {
                        sums.params[i] *= scale;
                    }
                    for (int i = 0; i < sums.state.length; i++) {
                        sums.state[i] *= scale;
                    }
                    FlatValues.load(network.params(), sums.params);
                    if (stateView != null) {
                        FlatValues.load(stateView, sums.state);
                    }
                    network.setIterationCount(network.getIterationCount() + steps);
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
                try {
                    if (evaluation != null) {
                        evaluation.close();
                    }
                } finally {
                    if (persistedHere) {
                        blocks.unpersist(false);
                    }
                    shared.destroy(false);
                    WorkerSessions.close(setup.sessionId());
                }
            }
        };
    }

    /** Keeps the partitions (cached blocks) one round fits. */
    private static final class BlockSet extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final BitSet blocks;

        BlockSet(BitSet blocks) {
            this.blocks = blocks;
        }

        @Override
        public Object apply(Object partition) {
            return blocks.get((Integer) partition);
        }
    }
}
