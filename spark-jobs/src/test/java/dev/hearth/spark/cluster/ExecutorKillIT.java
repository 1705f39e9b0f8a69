package dev.hearth.spark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.DigitsJob;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.Poll;
import dev.hearth.testing.hdfs.MiniHdfs;
import dev.hearth.testing.spark.ExecutorProcess;
import dev.hearth.testing.spark.StandaloneCluster;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault tolerance on a real standalone cluster: an executor JVM is SIGKILLed while it runs a training task; Spark
 * must retry the lost work on the surviving executor, the Worker must launch a replacement, and the job must
 * still finish and publish a committed, loadable version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutorKillIT {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorKillIT.class);
    private static final int EPOCHS = 10;
    /** Kill once export and the first epoch are over, so the kill hits parameter-averaging rounds. */
    private static final String KILL_DURING = "hearth train digits: epoch 2/";

    private ClusterEnvironment env;

    @RegisterExtension
    final LogsOnFailure logsOnFailure =
            new LogsOnFailure(() -> env == null ? "(no cluster)" : env.cluster().logs());

    @BeforeAll
    void startCluster(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
        env = ClusterEnvironment.start(dir, "executor-kill-it");
    }

    @AfterAll
    void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void trainingSurvivesAnExecutorKilledMidEpoch() throws Exception {
        MiniHdfs hdfs = env.hdfs();
        StandaloneCluster cluster = env.cluster();
        TaskActivity activity = env.activity();
        String data = hdfs.upload(resource("digits-8x8.csv"), "/data/digits-8x8.csv");
        String storeRoot = hdfs.uri() + "/models";
        HadoopModelStore store =
                HadoopModelStore.open(storeRoot, env.spark().sparkContext().hadoopConfiguration());
        TrainingPipeline pipeline = new TrainingPipeline(env.spark(), store, new ParameterAveragingEngine());

        ExecutorService background = Executors.newSingleThreadExecutor(r -> new Thread(r, "training"));
        try {
            Future<TrainingSummary> training = background.submit(() -> pipeline.run(DigitsJob.settings(
                    data,
                    64,
                    List.of(
                            "train.epochs=" + EPOCHS,
                            // DL4J's engine and its Export approach (ElasticTrainingIT kills Hearth's)
                            "train.engine=dl4j",
                            "store.root=" + storeRoot))));

            Poll.until(
                    "a task of '" + KILL_DURING + "' running on an executor",
                    Duration.ofMinutes(3),
                    Duration.ofMillis(10),
                    () -> training.isDone()
                            || activity.runningTaskOf(KILL_DURING).isPresent(),
                    cluster::logs);
            assertThat(training.isDone())
                    .as("training ended before any epoch-2 task ran")
                    .isFalse();
            TaskActivity.RunningTask task = activity.runningTaskOf(KILL_DURING).orElseThrow();
            List<ExecutorProcess> before = cluster.executors();
            ExecutorProcess victim = before.stream()
                    .filter(e -> e.executorId().equals(task.executorId()))
                    .findFirst()
                    .orElseThrow(() ->
                            new AssertionError("no executor JVM with id " + task.executorId() + " among " + before));
            ProcessHandle handle = ProcessHandle.of(victim.pid()).orElseThrow();
            Instant killedAt = Instant.now();
            handle.destroyForcibly();
            LOG.info(
                    "SIGKILLed executor {} (pid {}) at {} while it ran task {} of stage {} ('{}'); executors before: {}",
                    victim.executorId(),
                    victim.pid(),
                    killedAt,
                    task.taskId(),
                    task.stageId(),
                    task.jobDescription(),
                    before);
            handle.onExit().get(30, TimeUnit.SECONDS);

            TrainingSummary summary = training.get(4, TimeUnit.MINUTES);
            LOG.info(
                    "Training finished {} s after the kill: accuracy {}, epoch seconds {}",
                    Duration.between(killedAt, Instant.now()).toSeconds(),
                    summary.metrics().get("accuracy"),
                    summary.epochs().stream()
                            .map(e -> String.format("%.1f", e.seconds()))
                            .toList());

            Poll.until(
                    "the driver to register the loss of executor " + victim.executorId(),
                    Duration.ofSeconds(30),
                    Duration.ofMillis(200),
                    () -> activity.executorsRemoved().containsKey(victim.executorId()),
                    cluster::logs);
            Set<Long> pidsBefore = before.stream().map(ExecutorProcess::pid).collect(Collectors.toSet());
            Poll.until(
                    "a Worker to launch a replacement executor",
                    Duration.ofSeconds(60),
                    Duration.ofMillis(200),
                    () -> cluster.executors().stream().anyMatch(e -> !pidsBefore.contains(e.pid())),
                    cluster::logs);
            LOG.info(
                    "Executors removed {}; added in order {}; executor JVMs now {}; failed task attempts ({}): {}",
                    activity.executorsRemoved(),
                    activity.executorsAdded(),
                    cluster.executors(),
                    activity.failedAttempts().size(),
                    activity.failedAttempts());

            assertThat(cluster.executors()).extracting(ExecutorProcess::pid).doesNotContain(victim.pid());
            assertThat(summary.epochs()).hasSize(EPOCHS);
            assertThat(summary.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.85);
            List<ModelVersion> versions = store.listVersions("digits");
            assertThat(versions)
                    .extracting(ModelVersion::version)
                    .containsExactly(summary.published().version());
            ModelVersion v = versions.get(0);
            assertThat(v.metadata().provenance())
                    .containsEntry("trainingApproach", "export")
                    .containsEntry("sparkMaster", cluster.masterUrl());
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                    new ByteArrayInputStream(store.readFile(v, ModelFiles.MODEL_FILE)));
            assertThat(restored.output(Nd4j.zeros(1, 64)).columns()).isEqualTo(10);
        } finally {
            background.shutdownNow();
            background.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static Path resource(String name) {
        return LocalSpark.testData(name);
    }
}
