package dev.hearth.spark.engine;

import dev.hearth.spark.data.BlockOrder;
import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.engine.fused.FlatValues;
import dev.hearth.spark.training.EpochFit;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.RoundBreakdown;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
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
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * One training run of the {@link HearthEngine}: caches the run's minibatch blocks on the first epoch, fits each
 * epoch as averaging rounds of one Spark job each (broadcast, {@link RoundTask} per chosen block, the workers'
 * sums merged on the driver — or tree-aggregated past {@value #DIRECT_MAX_WORKERS} workers — and divided into the
 * network), evaluates through a lazily opened parameter-averaging session,
 * and at close unpersists the blocks, destroys the session broadcast and ends the executors' worker sessions.
 */
final class HearthSession implements TrainingEngine.Session {
    /** The engine's logger: a session's lines are the engine's to operators and log configurations. */
    private static final Logger LOG = LoggerFactory.getLogger(HearthEngine.class);

    // Indexes of this epoch's per-round times, summed (worker times per worker).
    private static final int ROUND = 0;
    private static final int BROADCAST = 1;
    private static final int AVERAGE = 2;
    private static final int WORKER_INIT = 3;
    private static final int WORKER_DATA = 4;
    private static final int WORKER_COMPUTE = 5;

    /** Rounds with at most this many workers merge their results on the driver; larger ones tree-aggregate. */
    static final int DIRECT_MAX_WORKERS = 8;

    private final int directMaxWorkers;
    private final JavaSparkContext sc;
    private final MultiLayerNetwork network;
    private final TrainingOptions options;
    private final SessionSetup setup;
    private final Broadcast<SessionSetup> shared;
    private final LiveWorkers live;
    private final double[] times = new double[6];
    private TrainingEngine.Session evaluation;
    private RoundBreakdown breakdown;
    /** The run's minibatch blocks, cached on first use and kept until close, and the plan they were cut by. */
    private JavaRDD<DataSet> blocks;

    private EpochPlan blockPlan;
    private int blocksEpoch;
    private boolean persistedHere;

    /**
     * A session whose configuration {@code setup} the driver has broadcast as {@code shared}; rounds of more than
     * {@code directMaxWorkers} workers tree-aggregate.
     */
    HearthSession(
            JavaSparkContext sc,
            MultiLayerNetwork network,
            TrainingOptions options,
            SessionSetup setup,
            Broadcast<SessionSetup> shared,
            LiveWorkers live,
            int directMaxWorkers) {
        this.directMaxWorkers = directMaxWorkers;
        this.sc = sc;
        this.network = network;
        this.options = options;
        this.setup = setup;
        this.shared = shared;
        this.live = live;
    }

    @Override
    public EpochFit fitEpoch(EpochBatches epoch) {
        useBlocks(epoch);
        String description = sc.getLocalProperty("spark.job.description");
        int[] order = BlockOrder.of(blockPlan.slots(), blocksEpoch, options.seed(), epoch.epoch());
        double lastLoss = Double.NaN;
        long examples = 0;
        int rounds = 0;
        Arrays.fill(times, 0);
        try {
            for (int next = 0; next < order.length; rounds++) {
                long t0 = System.nanoTime();
                int alive = live.count();
                int workers = options.workers() > 0 ? Math.min(options.workers(), alive) : alive;
                int[] chosen = Arrays.copyOfRange(order, next, Math.min(order.length, next + workers));
                next += chosen.length;
                sc.setJobDescription((description == null ? "" : description + ": ") + "epoch " + epoch.epoch()
                        + " round " + (rounds + 1) + " (" + chosen.length + " workers)");
                RoundSums sums = round(chosen, epoch.epoch(), rounds);
                examples += sums.examples;
                lastLoss = sums.loss / sums.examples;
                LOG.info(
                        "Epoch {} round {}: {} workers ({} alive), {} examples, {} ms",
                        epoch.epoch(),
                        rounds + 1,
                        chosen.length,
                        alive,
                        sums.examples,
                        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
            }
        } finally {
            sc.setJobDescription(description);
        }
        network.setEpochCount(network.getEpochCount() + 1);
        breakdown = breakdown(rounds);
        if (options.stats()) {
            LOG.info("Epoch {}: {}", epoch.epoch(), breakdown.describe());
        }
        return new EpochFit(lastLoss, examples);
    }

    /** Takes the first epoch's blocks for the whole session; later epochs must plan the same blocks. */
    private void useBlocks(EpochBatches epoch) {
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
    }

    /** Where the epoch's {@code n} rounds spent their time, per round on average. */
    private RoundBreakdown breakdown(int n) {
        double round = times[ROUND] / n;
        double broadcast = times[BROADCAST] / n;
        double average = times[AVERAGE] / n;
        double workerTotal = (times[WORKER_INIT] + times[WORKER_DATA] + times[WORKER_COMPUTE]) / n;
        return new RoundBreakdown(
                n,
                round,
                broadcast,
                0,
                times[WORKER_INIT] / n,
                times[WORKER_DATA] / n,
                times[WORKER_COMPUTE] / n,
                average,
                Math.max(0, round - broadcast - average - workerTotal),
                0);
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
            int steps = 0;
            for (int b : chosen) {
                steps = Math.max(steps, blockPlan.batches(b));
            }
            RoundTask task = new RoundTask(
                    shared,
                    start,
                    network.getIterationCount(),
                    network.getEpochCount(),
                    options.seed() * 31 + epochNumber * 1009L + r);
            RoundSums sums = chosen.length > directMaxWorkers ? treeRound(chosen, task) : directRound(chosen, task);
            if (sums.examples == 0) {
                throw new IllegalStateException(
                        "round " + (r + 1) + " of epoch " + epochNumber + " fitted no examples");
            }
            long t2 = System.nanoTime();
            average(sums, stateView, steps);
            long t3 = System.nanoTime();
            times[ROUND] += (t3 - t0) / 1e6;
            times[BROADCAST] += (t1 - t0) / 1e6;
            times[AVERAGE] += (t3 - t2) / 1e6;
            times[WORKER_INIT] += sums.initMs / sums.workers;
            times[WORKER_DATA] += sums.dataMs / sums.workers;
            times[WORKER_COMPUTE] += sums.computeMs / sums.workers;
            return sums;
        } finally {
            start.destroy(false);
        }
    }

    /**
     * A round of up to {@value #DIRECT_MAX_WORKERS} workers: one job straight over the chosen cached blocks, each
     * worker's sums merged on the driver as it arrives. This is what a depth-1 {@code treeAggregate} does, without
     * the pruned RDD, the two extra RDDs and the closure cleaning of Spark's own aggregation functions that a
     * {@code treeAggregate} adds to every round (a job of that shape took twice as long as a direct one on
     * {@code local[2]} when measured side by side).
     */
    private RoundSums directRound(int[] chosen, RoundTask task) {
        List<Object> partitions = new ArrayList<>(chosen.length);
        for (int b : chosen) {
            partitions.add(b);
        }
        RoundSums[] merged = {new RoundSums()};
        sc.sc()
                .runJob(
                        blocks.rdd(),
                        task.asJobFunction(),
                        JavaConverters.asScalaBuffer(partitions).toSeq(),
                        new AbstractFunction2<Object, RoundSums, BoxedUnit>() {
                            @Override
                            public BoxedUnit apply(Object partition, RoundSums worker) {
                                // Spark calls this once per block, on its scheduler thread, while runJob waits.
                                merged[0] = merged[0].merge(worker);
                                return BoxedUnit.UNIT;
                            }
                        },
                        ClassTag$.MODULE$.apply(RoundSums.class));
        return merged[0];
    }

    /** A round of many workers: the chosen blocks pruned from the cache, combined by a depth-2 {@code treeAggregate}. */
    private RoundSums treeRound(int[] chosen, RoundTask task) {
        BitSet keep = new BitSet(blockPlan.slots());
        for (int b : chosen) {
            keep.set(b);
        }
        JavaRDD<DataSet> slots =
                PartitionPruningRDD.create(blocks.rdd(), new BlockSet(keep)).toJavaRDD();
        return slots.mapPartitions(task).treeAggregate(new RoundSums(), RoundSums::merge, RoundSums::merge, 2);
    }

    /** Divides the example-weighted sums into the network's parameters and updater state, in place. */
    private void average(RoundSums sums, INDArray stateView, int steps) {
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
    }

    private TrainingEngine.Session evaluation() {
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
