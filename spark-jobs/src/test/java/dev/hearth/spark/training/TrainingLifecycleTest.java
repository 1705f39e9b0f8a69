package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.DigitsJob;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.EpochBatches;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopCheckpointStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume after a crash, warm start, early stopping and the regression head, on real local[2] Spark. */
class TrainingLifecycleTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("training-lifecycle-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private HadoopModelStore store() {
        return LocalSpark.store(spark, dir);
    }

    private HadoopCheckpointStore checkpoints() {
        return new HadoopCheckpointStore(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
    }

    private static Settings digits(String... extra) {
        return DigitsJob.settings(LocalSpark.testData("digits-8x8.csv"), 32, List.of("train.epochs=4"), extra);
    }

    /** An engine whose driver "crashes" (throws) when it starts epoch {@code crashAt}. */
    private static TrainingEngine crashingAt(int crashAt) {
        return CrashingEngine.at(DefaultEngine.get(), crashAt);
    }

    @Test
    void resumeContinuesAnInterruptedRunFromItsLastCheckpoint() throws Exception {
        HadoopModelStore store = store();
        assertThatThrownBy(() -> new TrainingPipeline(spark, store, checkpoints(), crashingAt(3)).run(digits(), false))
                .hasMessageContaining("driver crashed in epoch 3");
        assertThat(store.listVersions("digits")).isEmpty();
        assertThat(checkpoints().latest("digits"))
                .hasValueSatisfying(c -> assertThat(c.epoch()).isEqualTo(2));

        TrainingSummary summary =
                new TrainingPipeline(spark, store, checkpoints(), DefaultEngine.get()).run(digits(), true);
        assertThat(summary.epochs()).extracting(EpochResult::epoch).containsExactly(1, 2, 3, 4);
        assertThat(summary.metrics().get("accuracy")).isGreaterThan(0.85);
        assertThat(summary.published().metadata().provenance()).containsEntry("resumedAfterEpoch", 2);
        assertThat(checkpoints().latest("digits")).isEmpty();
    }

    @Test
    void resumeRefusesWithoutCheckpointOrWithOtherSettings() throws Exception {
        assertThatThrownBy(() ->
                        new TrainingPipeline(spark, store(), checkpoints(), DefaultEngine.get()).run(digits(), true))
                .isInstanceOf(SettingsException.class)
                .hasMessage("--resume: no checkpoint of model 'digits' to resume from");
        assertThatThrownBy(
                        () -> new TrainingPipeline(spark, store(), checkpoints(), crashingAt(2)).run(digits(), false))
                .hasMessageContaining("crashed");
        assertThatThrownBy(() -> new TrainingPipeline(spark, store(), checkpoints(), DefaultEngine.get())
                        .run(digits("network.learning.rate=0.5"), true))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("network.learning.rate (0.01 -> 0.5)");
    }

    @Test
    void warmStartInitialisesFromAStoredModelAndRecordsTheParent() throws Exception {
        HadoopModelStore store = store();
        ModelVersion first = new TrainingPipeline(spark, store, DefaultEngine.get())
                .run(digits("train.epochs=2"))
                .published();
        TrainingSummary second = new TrainingPipeline(spark, store, DefaultEngine.get())
                .run(digits("train.epochs=1", "model.warm.start=digits/1"));
        assertThat(second.published().version()).isEqualTo(2);
        assertThat(second.published().metadata().provenance()).containsEntry("parentVersion", "digits/1");
        // One more epoch from a trained start beats (or matches) a single epoch from scratch by a wide margin.
        assertThat(second.metrics().get("accuracy")).isGreaterThan(0.85);
        assertThat(first.version()).isEqualTo(1);

        assertThatThrownBy(() -> new TrainingPipeline(spark, store, DefaultEngine.get())
                        .run(digits("network.hidden=16", "model.warm.start=digits")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("parameter 0_W has shape [64, 32] but the configured network needs [64, 16]")
                .satisfies(e -> assertThat(store.listVersions("digits")).hasSize(2));
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() throws Exception {
        TrainingSummary s = new TrainingPipeline(spark, store(), DefaultEngine.get())
                .run(digits(
                        "train.epochs=30",
                        "train.early.stopping.patience=2",
                        "network.learning.rate=0.05",
                        "split.validation.fraction=0.2"));
        ModelVersion v = s.published();
        int best = ((Number) v.metadata().provenance().get("bestEpoch")).intValue();
        double bestValidation = s.epochs().get(best - 1).validation();
        assertThat(s.epochs()).allSatisfy(e -> assertThat(e.validation()).isLessThanOrEqualTo(bestValidation));
        if (Boolean.TRUE.equals(v.metadata().provenance().get("stoppedEarly"))) {
            assertThat(s.epochs()).hasSize(best + 2);
        }
    }

    @Test
    void regressionHeadReportsMseMaeAndR2() throws Exception {
        TrainingSummary s = new TrainingPipeline(spark, store(), DefaultEngine.get())
                .run(TrainSettings.loader()
                        .load(
                                null,
                                List.of(
                                        "data.path=" + LocalSpark.testData("iris.csv"),
                                        "model.name=petals",
                                        "data.label.column=petal_width",
                                        "data.features=sepal_length,sepal_width,petal_length",
                                        "network.head=regression",
                                        "network.hidden=16",
                                        "network.learning.rate=0.01",
                                        "train.epochs=40",
                                        "train.batch.size.per.worker=8",
                                        "normalizer=standardize")));
        assertThat(s.metrics()).containsKeys("mse", "mae", "r2");
        assertThat(s.metrics().get("r2")).isGreaterThan(0.8);
        assertThat(s.published().metadata().signature().labelNames()).isEmpty();
        assertThat(s.published().metadata().files()).doesNotContainKey("confusion-matrix.png");
        ModelVersion v = store().resolve(ModelRef.parse("petals"));
        assertThat(v.metadata().tags()).containsEntry("head", "regression");
    }

    @Test
    void sparkJobDescriptionIsSetDuringTraining() throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> seen = new ArrayList<>();
        TrainingEngine spying = (c, network, options) -> {
            TrainingEngine.Session s = DefaultEngine.get().open(c, network, options);
            return new DelegatingSession(s) {
                @Override
                public EpochFit fitEpoch(EpochBatches train) {
                    seen.add(sc.getLocalProperty("spark.job.description"));
                    return super.fitEpoch(train);
                }
            };
        };
        new TrainingPipeline(spark, store(), spying).run(digits("train.epochs=2"));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isEqualTo("hearth train digits: epoch 1/2");
        assertThat(seen.get(1)).startsWith("hearth train digits: epoch 2/2 (previous: epoch 1/2  loss ");
    }
}
