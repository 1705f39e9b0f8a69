package dev.hearth.spark.doctor;

import dev.hearth.config.SettingsException;
import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.engine.HearthEngine;
import dev.hearth.spark.engine.fused.FusedDenseStep;
import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.training.RoundBreakdown;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures averaging rounds of {@code train.engine=hearth} on the session's cluster for {@code hearth doctor
 * --advise}: the given network on synthetic minibatches (uniform features, random labels: a dense step costs the
 * same whatever the values), one warm-up round, then {@code rounds} measured rounds with one worker and again with
 * every core the cluster has, through the engine's public API. Two worker counts give the slope of the overhead.
 */
public final class TrainingAdvisor {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingAdvisor.class);

    /**
     * What to measure.
     *
     * @param spec the network
     * @param networkName where the network came from, for the output
     * @param features inputs per example
     * @param outputs classes (classification) or 1 (regression)
     * @param batch minibatch size per worker
     * @param averagingFrequency K, minibatches a worker fits between averagings
     * @param rounds measured rounds per worker count
     * @param workers the cluster's cores to measure with (at least 1)
     */
    public record Request(
            NetworkSpec spec,
            String networkName,
            int features,
            int outputs,
            int batch,
            int averagingFrequency,
            int rounds,
            int workers) {
        public Request {
            require(features >= 1, "--features", features, "at least 1");
            require(outputs >= 1, "outputs", outputs, "at least 1");
            require(
                    !spec.isClassification() || outputs >= 2,
                    "--classes",
                    outputs,
                    "at least 2 for a classification head");
            require(batch >= 1 && batch <= 65_536, "train.batch.size.per.worker", batch, "1 to 65536");
            require(
                    averagingFrequency >= 1 && averagingFrequency <= 10_000,
                    "train.averaging.frequency",
                    averagingFrequency,
                    "1 to 10000");
            require(rounds >= 1 && rounds <= 100, "--advise-rounds", rounds, "1 to 100");
            require(workers >= 1, "workers", workers, "at least 1");
        }

        private static void require(boolean ok, String field, int value, String rule) {
            if (!ok) {
                throw new SettingsException(field + " = " + value + " is out of range: must be " + rule);
            }
        }
    }

    /**
     * The measured rounds.
     *
     * @param request what was measured
     * @param parameters the network's parameter count
     * @param workerStep how workers fit: the fused dense step, or DL4J's {@code fit} and why
     * @param low the rounds with {@code lowWorkers} workers (mean per round)
     * @param high the rounds with {@code highWorkers} workers; the same as {@code low} when the cluster has one core
     */
    public record Measurement(
            Request request,
            long parameters,
            String workerStep,
            int lowWorkers,
            RoundBreakdown low,
            int highWorkers,
            RoundBreakdown high) {

        /** The round cost model through both measurements; the step time is the one measured with every core busy. */
        public RoundCostModel model() {
            double step = Math.max(1e-3, high.computeMs() / request.averagingFrequency());
            return RoundCostModel.fit(request.batch(), step, lowWorkers, overhead(low), highWorkers, overhead(high));
        }

        /** Everything in a round but the workers' compute, ms. */
        public static double overhead(RoundBreakdown b) {
            return Math.max(0, b.roundMs() - b.computeMs());
        }
    }

    private final SparkSession spark;

    public TrainingAdvisor(SparkSession spark) {
        this.spark = spark;
    }

    /** Runs the rounds; a network DL4J cannot build for these inputs is refused as a {@link SettingsException}. */
    public Measurement measure(Request request) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        MultiLayerNetwork probe = network(request);
        String why = FusedDenseStep.unsupported(probe);
        String step = why == null ? "fused dense step" : "DL4J fit (fused step not possible: " + why + ")";
        int high = request.workers();
        RoundBreakdown low = rounds(sc, request, 1);
        RoundBreakdown all = high == 1 ? low : rounds(sc, request, high);
        return new Measurement(request, probe.numParams(), step, 1, low, high, all);
    }

    /**
     * A warm-up epoch of {@code request.rounds()} rounds (JIT, first broadcast, executor-side class loading and
     * worker set-up), then the same rounds again over the session's cached blocks, as a training run's later epochs
     * are; the second epoch's mean breakdown.
     */
    private RoundBreakdown rounds(JavaSparkContext sc, Request request, int workers) {
        MultiLayerNetwork network = network(request);
        TrainingOptions options = new TrainingOptions(
                workers, request.batch(), request.averagingFrequency(), 1, "direct", "", 1234L, true);
        TrainingEngine.Session session = new HearthEngine(true).open(sc, network, options);
        EpochBatches first = epoch(sc, request, workers, request.rounds());
        try {
            session.fitEpoch(first);
            session.fitEpoch(new EpochBatches(2, first.plan(), first.batches(), 1, first.batches()));
            RoundBreakdown b = session.lastEpochBreakdown();
            if (b == null || b.rounds() == 0) {
                throw new IllegalStateException("train.engine=hearth recorded no round breakdown");
            }
            LOG.info("Advice: {} worker(s): {}", workers, b.describe());
            return b;
        } finally {
            session.close();
            first.batches().unpersist(false);
        }
    }

    private static MultiLayerNetwork network(Request request) {
        MultiLayerNetwork network =
                new MultiLayerNetwork(NetworkBuilder.build(request.spec(), request.features(), request.outputs()));
        network.init();
        return network;
    }

    /** Synthetic minibatches of exactly {@code rounds} full rounds, made on the executors and cached before timing. */
    private static EpochBatches epoch(JavaSparkContext sc, Request request, int workers, int rounds) {
        int batch = request.batch();
        int features = request.features();
        int outputs = request.outputs();
        boolean classes = request.spec().isClassification();
        long examples = (long) rounds * workers * request.averagingFrequency() * batch;
        EpochPlan plan = new EpochPlan(examples, batch, workers, request.averagingFrequency());
        List<Integer> slots = IntStream.range(0, plan.slots()).boxed().toList();
        JavaRDD<DataSet> batches = sc.parallelize(slots, plan.slots()).mapPartitions((Iterator<Integer> it) -> {
            List<DataSet> out = new ArrayList<>();
            while (it.hasNext()) {
                int slot = it.next();
                Random random = new Random(31L * slot + 1);
                for (int i = 0; i < plan.batches(slot); i++) {
                    out.add(synthetic(random, batch, features, outputs, classes));
                }
            }
            return out.iterator();
        });
        batches.persist(StorageLevel.MEMORY_AND_DISK_SER());
        batches.count();
        return new EpochBatches(1, plan, batches);
    }

    private static DataSet synthetic(Random random, int rows, int features, int outputs, boolean classes) {
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        float[] y = new float[rows * outputs];
        for (int r = 0; r < rows; r++) {
            if (classes) {
                y[r * outputs + random.nextInt(outputs)] = 1f;
            } else {
                y[r * outputs] = (float) random.nextGaussian();
            }
        }
        return new DataSet(Nd4j.create(x, new long[] {rows, features}), Nd4j.create(y, new long[] {rows, outputs}));
    }
}
