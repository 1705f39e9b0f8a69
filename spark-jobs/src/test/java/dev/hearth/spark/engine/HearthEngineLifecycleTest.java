package dev.hearth.spark.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.LogCapture;
import dev.hearth.spark.training.CrashingEngine;
import dev.hearth.spark.training.EpochResult;
import dev.hearth.spark.training.StoredModels;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.hadoop.HadoopCheckpointStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training pipeline's lifecycle with {@code train.engine=hearth}, as with {@code dl4j}: a run killed after
 * epoch 2 and resumed from its checkpoint publishes the same network as the uninterrupted run (1e-4 relative, the
 * parity tolerance), early stopping keeps the best epoch, every epoch reports its examples, progress and round
 * breakdown, and each round logs its worker count.
 */
class HearthEngineLifecycleTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("hearth-engine-lifecycle-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Settings digits(String model, String... extra) throws Exception {
        String data = Path.of(HearthEngineLifecycleTest.class
                        .getResource("/dev/hearth/spark/data/digits-8x8.csv")
                        .toURI())
                .toString();
        List<String> s = new ArrayList<>(List.of(
                "data.path=" + data,
                "model.name=" + model,
                "network.hidden=32",
                "network.learning.rate=0.01",
                "train.batch.size.per.worker=32",
                "train.averaging.frequency=2",
                "train.epochs=4",
                "train.engine=hearth",
                "train.stats=true"));
        s.addAll(List.of(extra));
        return TrainSettings.loader().load(null, s);
    }

    private HadoopModelStore store(String name) {
        return HadoopModelStore.open(
                dir.resolve(name).toString(), spark.sparkContext().hadoopConfiguration());
    }

    private HadoopCheckpointStore checkpoints(String name) {
        return new HadoopCheckpointStore(
                dir.resolve(name).toString(), spark.sparkContext().hadoopConfiguration());
    }

    /** The Hearth engine, with a driver that "crashes" (throws) when it starts epoch {@code crashAt}. */
    private static TrainingEngine crashingAt(int crashAt) {
        return CrashingEngine.at(new HearthEngine(true), crashAt);
    }

    private static double relative(INDArray actual, INDArray expected) {
        return actual.castTo(DataType.DOUBLE)
                        .sub(expected.castTo(DataType.DOUBLE))
                        .norm2Number()
                        .doubleValue()
                / expected.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    }

    @Test
    void aRunKilledAfterEpochTwoAndResumedPublishesWhatTheUninterruptedRunDoes() throws Exception {
        TrainingSummary whole;
        try (LogCapture log = LogCapture.of(HearthEngine.class)) {
            whole = new TrainingPipeline(spark, store("whole"), checkpoints("whole"), new HearthEngine(true))
                    .run(digits("digits"), false);
            assertThat(log.at(org.apache.logging.log4j.Level.INFO))
                    .anyMatch(m -> m.matches("Epoch 4 round 1: 2 workers \\(2 alive\\), \\d+ examples, .* ms"));
        }
        assertThat(whole.epochs()).extracting(EpochResult::epoch).containsExactly(1, 2, 3, 4);
        assertThat(whole.epochs()).allSatisfy(e -> {
            assertThat(e.examples()).isEqualTo(whole.trainExamples());
            assertThat(e.breakdown()).isNotNull();
            assertThat(e.breakdown().computeMs()).isPositive();
        });
        assertThat(whole.published().metadata().provenance()).containsEntry("engine", "hearth");

        HadoopModelStore store = store("resumed");
        assertThatThrownBy(() -> new TrainingPipeline(spark, store, checkpoints("resumed"), crashingAt(3))
                        .run(digits("digits"), false))
                .hasMessageContaining("driver crashed in epoch 3");
        assertThat(checkpoints("resumed").latest("digits"))
                .hasValueSatisfying(c -> assertThat(c.epoch()).isEqualTo(2));
        TrainingSummary resumed = new TrainingPipeline(spark, store, checkpoints("resumed"), new HearthEngine(true))
                .run(digits("digits"), true);
        assertThat(resumed.epochs()).extracting(EpochResult::epoch).containsExactly(1, 2, 3, 4);
        assertThat(resumed.published().metadata().provenance()).containsEntry("resumedAfterEpoch", 2);

        INDArray expected =
                StoredModels.load(store("whole"), "digits").network().params();
        INDArray actual = StoredModels.load(store, "digits").network().params();
        assertThat(relative(actual, expected))
                .as("resumed vs uninterrupted parameters")
                .isLessThanOrEqualTo(1e-4);
        assertThat(resumed.metrics().get("accuracy"))
                .isCloseTo(whole.metrics().get("accuracy"), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(resumed.epochs().get(3).loss())
                .isCloseTo(whole.epochs().get(3).loss(), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(whole.metrics().get("accuracy")).isGreaterThan(0.85);
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() throws Exception {
        TrainingSummary s = new TrainingPipeline(spark, store("early"), new HearthEngine(true))
                .run(digits(
                        "early",
                        "train.epochs=30",
                        "train.early.stopping.patience=2",
                        "network.learning.rate=0.05",
                        "split.validation.fraction=0.2"));
        int best = ((Number) s.published().metadata().provenance().get("bestEpoch")).intValue();
        double bestValidation = s.epochs().get(best - 1).validation();
        assertThat(s.epochs()).allSatisfy(e -> assertThat(e.validation()).isLessThanOrEqualTo(bestValidation));
        assertThat(s.published().metadata().provenance()).containsEntry("stoppedEarly", true);
        assertThat(s.epochs()).hasSize(best + 2);
    }
}
