package dev.hearth.spark.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train.engine}: the setting picks the engine, and the whole train pipeline runs and publishes on Hearth's. */
class HearthEnginePipelineTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("hearth-engine-pipeline-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Settings settings(String... overrides) {
        return TrainSettings.loader().load(null, List.of(overrides));
    }

    @Test
    void theSettingPicksTheEngineAndRejectsOthersByName() {
        assertThat(TrainingEngines.of(settings())).isInstanceOf(HearthEngine.class);
        assertThat(TrainingEngines.of(settings("train.engine=hearth"))).isInstanceOf(HearthEngine.class);
        assertThat(TrainingEngines.of(settings("train.engine=dl4j"))).isInstanceOf(ParameterAveragingEngine.class);
        assertThatThrownBy(() -> TrainingEngines.of(settings("train.engine=horovod")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("train.engine")
                .hasMessageContaining("horovod");
    }

    @Test
    void trainsIrisAndPublishesWithTheHearthEngine() throws Exception {
        String iris = Path.of(getClass()
                        .getResource("/dev/hearth/spark/data/iris.csv")
                        .toURI())
                .toString();
        HadoopModelStore store = HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        Settings s = settings(
                "data.path=" + iris,
                "model.name=iris",
                "network.hidden=16",
                "network.learning.rate=0.05",
                "train.epochs=30",
                "train.batch.size.per.worker=8",
                "train.averaging.frequency=2",
                "split.test.fraction=0.3",
                "split.validation.fraction=0",
                "train.engine=hearth");
        TrainingSummary summary = new TrainingPipeline(spark, store, TrainingEngines.of(s)).run(s);
        assertThat(summary.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(summary.epochs()).allSatisfy(e -> assertThat(e.examples()).isPositive());
        ModelVersion v = store.resolve(ModelRef.parse("iris"));
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.metadata().training()).containsEntry("train.engine", "hearth");
        assertThat(v.metadata().provenance()).containsEntry("trainingApproach", "hearth");
    }
}
