package dev.hearth.spark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.config.Settings;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.LogCapture;
import dev.hearth.spark.SparkConfFile;
import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.engine.TrainingEngines;
import dev.hearth.spark.training.DelegatingSession;
import dev.hearth.spark.training.EpochFit;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Poll;
import dev.hearth.testing.spark.StandaloneCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elastic training with {@code train.engine=hearth} on a real standalone cluster with dynamic allocation (shuffle
 * tracking on, 2 cores in all): training starts on one Worker's executor; a second Worker JVM joins mid-training and
 * later rounds use both executors (from the per-round worker counts the engine logs); then that Worker and its
 * executor are SIGKILLed while the executor runs a round's task (epoch 3 waits for the join if it is slow, epoch 5
 * for the kill, so the timing never depends on this machine's speed): Spark retries the task, later rounds use the one
 * executor left, training completes and publishes, and its test accuracy is within 0.05 of an uninterrupted run with
 * the same settings.
 */
class ElasticTrainingIT {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticTrainingIT.class);
    private static final Pattern ROUND =
            Pattern.compile("Epoch (\\d+) round (\\d+): (\\d+) workers \\((\\d+) alive\\).*");
    private static final int EPOCHS = 6;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private StandaloneCluster cluster;
    private ChildProcess extraWorker;

    @RegisterExtension
    final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> (cluster == null ? "(no cluster)" : cluster.logs())
            + (extraWorker == null ? "" : "\n===== " + extraWorker + " =====\n" + extraWorker.tail(60)));

    /** Which executor runs each running task, and each job's description. */
    private static final class RunningTasks extends SparkListener {
        final Map<Integer, String> stageDescriptions = new ConcurrentHashMap<>();
        final Map<Long, String[]> running = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart job) {
            String d = job.properties() == null ? "" : job.properties().getProperty("spark.job.description", "");
            for (int i = 0; i < job.stageIds().length(); i++) {
                stageDescriptions.put((Integer) job.stageIds().apply(i), d);
            }
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart task) {
            running.put(
                    task.taskInfo().taskId(),
                    new String[] {task.taskInfo().executorId(), stageDescriptions.getOrDefault(task.stageId(), "")});
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            running.remove(task.taskInfo().taskId());
        }

        boolean roundTaskRunsOn(String executorId) {
            return running.values().stream().anyMatch(t -> t[0].equals(executorId) && t[1].contains(" round "));
        }
    }

    @Test
    void laterRoundsUseAJoiningExecutorAndSurviveItsLoss() throws Exception {
        cluster = StandaloneCluster.start(dir.resolve("cluster"), 1, 1, "1536m");
        SparkSession spark = session();
        try (LogCapture rounds = LogCapture.of(dev.hearth.spark.engine.HearthEngine.class)) {
            RunningTasks tasks = new RunningTasks();
            spark.sparkContext().addSparkListener(tasks);
            String data = Path.of(getClass()
                            .getResource("/dev/hearth/spark/data/digits-8x8.csv")
                            .toURI())
                    .toString();
            CountDownLatch joined = new CountDownLatch(1);
            CountDownLatch killed = new CountDownLatch(1);
            HadoopModelStore store = HadoopModelStore.open(
                    dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
            // Epoch 3 starts once the second executor is up, epoch 5 once it was killed: the test does not depend
            // on how fast this machine trains.
            TrainingEngine gated = gatedAt(TrainingEngines.of(settings(data, "elastic")), joined, killed);
            ExecutorService background = Executors.newSingleThreadExecutor(r -> new Thread(r, "training"));
            try {
                Future<TrainingSummary> training = background.submit(
                        () -> new TrainingPipeline(spark, store, gated).run(settings(data, "elastic")));
                Poll.until(
                        "a first round on one worker",
                        Duration.ofMinutes(2),
                        Duration.ofMillis(50),
                        () -> training.isDone() || rounds(rounds).stream().anyMatch(r -> r[2] == 1),
                        cluster::logs);
                List<String> before = executorIds(spark);
                extraWorker = cluster.addWorker(1, "1536m");
                Poll.until(
                        "a second executor",
                        Duration.ofSeconds(90),
                        Duration.ofMillis(100),
                        () -> training.isDone() || executorIds(spark).size() >= 2,
                        cluster::logs);
                String joiner = executorIds(spark).stream()
                        .filter(id -> !before.contains(id))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no new executor; training done: " + training.isDone()));
                joined.countDown();
                Poll.until(
                        "a round on two workers, then a round task on the joining executor " + joiner,
                        Duration.ofSeconds(90),
                        Duration.ofMillis(5),
                        () -> training.isDone()
                                || rounds(rounds).stream().anyMatch(r -> r[2] == 2) && tasks.roundTaskRunsOn(joiner),
                        cluster::logs);
                assertThat(training.isDone())
                        .as("training ended before the joining executor ran a round")
                        .isFalse();
                int roundsBeforeKill = rounds(rounds).size();
                for (ProcessHandle executor : extraWorker.descendants()) {
                    executor.destroyForcibly();
                }
                ProcessHandle.of(extraWorker.pid()).ifPresent(ProcessHandle::destroyForcibly);
                LOG.info(
                        "SIGKILLed the joining worker {} and its executor {} during a round, after {} rounds",
                        extraWorker,
                        joiner,
                        roundsBeforeKill);
                Poll.until(
                        "the driver to drop executor " + joiner,
                        Duration.ofSeconds(60),
                        Duration.ofMillis(100),
                        () -> !executorIds(spark).contains(joiner),
                        cluster::logs);
                killed.countDown();
                TrainingSummary summary = training.get(3, TimeUnit.MINUTES);

                List<int[]> all = rounds(rounds);
                List<int[]> afterJoin = all.subList(0, roundsBeforeKill).stream()
                        .filter(r -> r[3] == 2)
                        .toList();
                List<int[]> afterLoss = all.stream().filter(r -> r[0] >= 5).toList();
                LOG.info(
                        "Rounds: {} in all, {} with 2 slots alive before the loss ({} of them on 2 workers), {} in"
                                + " epochs 5-6 after the loss; test accuracy {}",
                        all.size(),
                        afterJoin.size(),
                        afterJoin.stream().filter(r -> r[2] == 2).count(),
                        afterLoss.size(),
                        summary.metrics().get("accuracy"));
                assertThat(all.get(0)[2]).as("workers in the first round").isEqualTo(1);
                // Once both slots are alive every round uses both, except an epoch's last round with one block left.
                assertThat(afterJoin.stream().filter(r -> r[2] == 2).count())
                        .as("rounds on both executors")
                        .isGreaterThanOrEqualTo(Math.max(1, afterJoin.size() - 2));
                assertThat(afterLoss)
                        .isNotEmpty()
                        .allSatisfy(r -> assertThat(r[2]).isEqualTo(1));
                assertThat(summary.epochs())
                        .hasSize(EPOCHS)
                        .allSatisfy(e -> assertThat(e.examples()).isEqualTo(summary.trainExamples()));
                List<ModelVersion> versions = store.listVersions("elastic");
                assertThat(versions)
                        .extracting(ModelVersion::version)
                        .containsExactly(summary.published().version());

                TrainingSummary uninterrupted = new TrainingPipeline(
                                spark, store, TrainingEngines.of(settings(data, "steady")))
                        .run(settings(data, "steady"));
                LOG.info(
                        "Elastic run accuracy {}, uninterrupted run {}",
                        summary.metrics().get("accuracy"),
                        uninterrupted.metrics().get("accuracy"));
                assertThat(uninterrupted.metrics().get("accuracy")).isGreaterThan(0.85);
                assertThat(summary.metrics().get("accuracy"))
                        .isCloseTo(uninterrupted.metrics().get("accuracy"), org.assertj.core.data.Offset.offset(0.05));
            } finally {
                joined.countDown();
                killed.countDown();
                background.shutdownNow();
                background.awaitTermination(30, TimeUnit.SECONDS);
            }
        } finally {
            spark.stop();
            if (extraWorker != null) {
                extraWorker.descendants().forEach(ProcessHandle::destroyForcibly);
                extraWorker.stop(Duration.ofSeconds(5));
            }
            cluster.close();
        }
    }

    private static Settings settings(String data, String model) {
        return TrainSettings.loader()
                .load(
                        null,
                        List.of(
                                "data.path=" + data,
                                "model.name=" + model,
                                "network.hidden=64",
                                "network.learning.rate=0.01",
                                "train.epochs=" + EPOCHS,
                                "train.batch.size.per.worker=32",
                                "train.averaging.frequency=1",
                                "train.engine=hearth",
                                "train.checkpoint=false"));
    }

    /** Per logged round: epoch, round, workers used, task slots alive. */
    private static List<int[]> rounds(LogCapture log) {
        List<int[]> out = new ArrayList<>();
        for (String m : log.at(Level.INFO)) {
            Matcher r = ROUND.matcher(m);
            if (r.matches()) {
                out.add(new int[] {
                    Integer.parseInt(r.group(1)),
                    Integer.parseInt(r.group(2)),
                    Integer.parseInt(r.group(3)),
                    Integer.parseInt(r.group(4))
                });
            }
        }
        return out;
    }

    private static List<String> executorIds(SparkSession spark) {
        List<String> ids = new ArrayList<>();
        for (var e : scala.collection.JavaConverters.seqAsJavaList(
                spark.sparkContext().statusStore().executorList(true))) {
            if (!"driver".equals(e.id())) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    /** A driver with dynamic allocation on: at least (and at most) 2 one-core executors wanted, 1 there at first. */
    private SparkSession session() {
        SparkConf conf = SparkConfFile.apply(LocalSpark.sparkDefaults(), new SparkConf())
                .setMaster(cluster.masterUrl())
                .setAppName("elastic-training-it")
                .set("spark.jars", HearthBuild.sparkJobsJar().toUri().toString())
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.local.dir", dir.resolve("driver-local").toString())
                .set("spark.executor.memory", "1g")
                .set("spark.executor.cores", "1")
                .set("spark.cores.max", "2")
                .set("spark.dynamicAllocation.enabled", "true")
                .set("spark.dynamicAllocation.shuffleTracking.enabled", "true")
                // Dynamic allocation asks for executors by pending tasks, and a Hearth round has one task per live
                // slot: the executors wanted come from minExecutors.
                .set("spark.dynamicAllocation.minExecutors", "2")
                .set("spark.dynamicAllocation.maxExecutors", "2")
                .set("spark.dynamicAllocation.executorIdleTimeout", "5s")
                .set("spark.sql.shuffle.partitions", "2");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            Poll.until(
                    "the first executor",
                    Duration.ofSeconds(90),
                    Duration.ofMillis(200),
                    () -> executorIds(spark).size() >= 1,
                    cluster::logs);
        } catch (RuntimeException | Error e) {
            spark.stop();
            throw e;
        }
        return spark;
    }

    /** {@code engine}, with epoch 3 waiting for {@code joined} and epoch 5 for {@code killed} (at most 2 min each). */
    private static TrainingEngine gatedAt(TrainingEngine engine, CountDownLatch joined, CountDownLatch killed) {
        return (sc, network, options) -> {
            TrainingEngine.Session s = engine.open(sc, network, options);
            return new DelegatingSession(s) {
                @Override
                public EpochFit fitEpoch(EpochBatches train) {
                    try {
                        CountDownLatch gate = train.epoch() == 3 ? joined : train.epoch() == 5 ? killed : null;
                        if (gate != null && !gate.await(2, TimeUnit.MINUTES)) {
                            throw new IllegalStateException("epoch " + train.epoch() + " waited 2 min for the test");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return super.fitEpoch(train);
                }
            };
        };
    }
}
