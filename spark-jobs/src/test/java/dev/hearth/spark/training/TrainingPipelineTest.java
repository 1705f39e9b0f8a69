package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPipelineTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("training-pipeline-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private HadoopModelStore store() {
        return LocalSpark.store(spark, dir);
    }

    private Settings settings(String... overrides) {
        return TrainSettings.loader().load(null, List.of(overrides));
    }

    @Test
    void trainsIrisWellAboveChanceAndPublishesVersionOne() throws Exception {
        HadoopModelStore store = store();
        TrainingSummary summary = new TrainingPipeline(spark, store, DefaultEngine.get())
                .run(settings(
                        "data.path=" + LocalSpark.testData("iris.csv"),
                        "model.name=iris",
                        "network.hidden=16",
                        "network.learning.rate=0.05",
                        "train.epochs=30",
                        "train.batch.size.per.worker=8",
                        "train.averaging.frequency=2",
                        "split.test.fraction=0.3",
                        "split.validation.fraction=0"));

        assertThat(summary.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(summary.epochs()).hasSizeBetween(1, 30);
        ModelVersion v = store.resolve(ModelRef.parse("iris"));
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.metadata().signature().labelNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(v.metadata().signature().featureCount()).isEqualTo(4);
        assertThat(v.metadata().signature().normalizer().kind()).isEqualTo("minmax");
        assertThat(v.metadata().metrics()).containsKeys("accuracy", "f1", "precision", "recall");
        assertThat(v.metadata().training()).containsEntry("train.epochs", "30");
        assertThat(v.metadata().provenance())
                .containsEntry("sparkMaster", "local[2]")
                .containsEntry("trainingApproach", "hearth");
        assertThat(v.metadata().files())
                .containsKeys("model.zip", "evaluation.json", "learning-curve.png", "confusion-matrix.png");
        byte[] png = store.readFile(v, "confusion-matrix.png");
        assertThat(java.util.Arrays.copyOfRange(png, 1, 4)).containsExactly('P', 'N', 'G');
        assertThat(store.readFile(v, dev.hearth.store.ModelFiles.MODEL_FILE)).isNotEmpty();
    }

    @Test
    void trainsDigitsWithLabelInLastColumn() throws Exception {
        HadoopModelStore store = store();
        TrainingSummary summary = new TrainingPipeline(spark, store, DefaultEngine.get())
                .run(settings(
                        "data.path=" + LocalSpark.testData("digits-8x8.csv"),
                        "model.name=digits",
                        "network.hidden=64",
                        "network.learning.rate=0.01",
                        "train.epochs=8",
                        "train.batch.size.per.worker=32"));
        assertThat(summary.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(summary.published().metadata().signature().labelNames()).hasSize(10);
    }

    @Test
    void badRowFailsTheJobAndPublishesNothing() throws Exception {
        Path data = dir.resolve("bad.csv");
        Files.writeString(data, "a,b,label\n1,2,x\n3,4,y\n5,six,x\n");
        HadoopModelStore store = store();
        assertThatThrownBy(() -> new TrainingPipeline(spark, store, DefaultEngine.get())
                        .run(settings("data.path=" + data, "model.name=bad")))
                .rootCause()
                .hasMessage("row 4 of bad.csv has non-numeric value 'six' in feature column 'b'");
        assertThat(store.listModels()).isEmpty();
    }

    @Test
    void invalidSettingsAreRefusedBeforeReadingData() {
        assertThatThrownBy(() -> new TrainingPipeline(spark, store(), DefaultEngine.get())
                        .run(settings("data.path=/nonexistent", "model.name=m", "train.epochs=0")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("train.epochs must be >= 1 but was 0");
        assertThatThrownBy(() -> new TrainingPipeline(spark, store(), DefaultEngine.get())
                        .run(settings("data.path=/nonexistent", "model.name=../x")))
                .hasMessageContaining("model.name must match");
    }
}
