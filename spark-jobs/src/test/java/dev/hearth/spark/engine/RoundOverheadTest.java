package dev.hearth.spark.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.training.RoundBreakdown;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a Hearth round's time goes besides the workers' compute, on {@code local[2]} with the benchmark's dense
 * network (784-256-128-10, Adam: 235k parameters, 0.9 MB of parameters and 1.9 MB of updater state per round and
 * worker) and one minibatch per worker per round, so Spark's share is as large as it gets. Logs the engine's round
 * breakdown and, from a listener, the Spark side per round (job wall time, task deserialisation, result
 * serialisation, result fetch, scheduling gaps) and asserts each round's parts were measured; how small the overhead
 * is stays a benchmark figure ({@code bench/run --only training}), not a timing bound in a test.
 */
class RoundOverheadTest {
    private static final Logger LOG = LoggerFactory.getLogger(RoundOverheadTest.class);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("hearth-round-overhead-test", "local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Per-job Spark timings (ms), summed over the jobs seen. */
    private static final class JobTimes extends SparkListener {
        final List<Double> jobMs = new ArrayList<>();
        double deserialiseMs;
        double resultSerialiseMs;
        double gettingResultMs;
        double runMs;
        double taskWallMs;
        int tasks;
        private final java.util.Map<Integer, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public synchronized void onJobStart(SparkListenerJobStart job) {
            started.put(job.jobId(), job.time());
        }

        @Override
        public synchronized void onJobEnd(SparkListenerJobEnd job) {
            Long t = started.remove(job.jobId());
            if (t != null) {
                jobMs.add((double) (job.time() - t));
            }
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd task) {
            tasks++;
            deserialiseMs += task.taskMetrics().executorDeserializeTime();
            resultSerialiseMs += task.taskMetrics().resultSerializationTime();
            runMs += task.taskMetrics().executorRunTime();
            gettingResultMs += task.taskInfo().gettingResult()
                    ? task.taskInfo().finishTime() - task.taskInfo().gettingResultTime()
                    : 0;
            taskWallMs += task.taskInfo().duration();
        }
    }

    @Test
    void aRoundsSparkOverheadIsMeasured() throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(256)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(256)
                        .nOut(128)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(128)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        int rounds = 30;
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 2 * rounds; i++) {
            Nd4j.getRandom().setSeed(i);
            INDArray x = Nd4j.rand(DataType.FLOAT, 64, 784);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 64, 10);
            for (int r = 0; r < 64; r++) {
                y.putScalar(r, (r + i) % 10, 1f);
            }
            batches.add(new DataSet(x, y));
        }
        EpochPlan plan = new EpochPlan(2L * rounds * 64, 64, 2, 1);
        TrainingOptions options = new TrainingOptions(2, 64, 1, 0, "direct", "", 1, true);
        JobTimes times = new JobTimes();
        try (TrainingEngine.Session session = new HearthEngine(true).open(sc, net, options)) {
            EpochBatches first = new EpochBatches(1, plan, sc.parallelize(batches, plan.slots()));
            session.fitEpoch(first); // warm-up: caches the blocks, builds the workers, JIT
            sc.sc().addSparkListener(times);
            for (int epoch = 2; epoch <= 3; epoch++) {
                session.fitEpoch(new EpochBatches(epoch, plan, first.batches(), 1, first.blocks()));
                RoundBreakdown b = session.lastEpochBreakdown();
                LOG.info("Round overhead, epoch {}: {}", epoch, b.describe());
            }
            sc.sc().listenerBus().waitUntilEmpty();
            sc.sc().removeSparkListener(times);
            RoundBreakdown b = session.lastEpochBreakdown();
            double[] jobs = times.jobMs.stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            int n = jobs.length;
            String spark = String.format(
                    Locale.ROOT,
                    "%d jobs, job wall median %.1f ms (min %.1f, max %.1f); per task:"
                            + " deserialise %.2f, run %.1f, result serialise %.2f, getting result %.2f, wall %.1f ms",
                    n,
                    jobs[n / 2],
                    jobs[0],
                    jobs[n - 1],
                    times.deserialiseMs / times.tasks,
                    times.runMs / times.tasks,
                    times.resultSerialiseMs / times.tasks,
                    times.gettingResultMs / times.tasks,
                    times.taskWallMs / times.tasks);
            LOG.info("Round overhead, Spark side: {}", spark);
            assertThat(n).isEqualTo(2 * rounds);
            assertThat(b.rounds()).isEqualTo(rounds);
            assertThat(b.computeMs()).isPositive();
            assertThat(Arrays.stream(jobs).min().orElse(0))
                    .as("Spark job wall time per round, ms")
                    .isPositive();
        }
    }
}
