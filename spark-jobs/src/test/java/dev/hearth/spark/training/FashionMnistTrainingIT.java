package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real image data (Fashion-MNIST subset, 10 classes: chance is 0.10) through a dense and a convolutional net. */
class FashionMnistTrainingIT {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("fashion-it");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static String resource(String name) throws Exception {
        return Path.of(FashionMnistTrainingIT.class
                        .getResource("/dev/hearth/spark/fashion/" + name)
                        .toURI())
                .toString();
    }

    private TrainingSummary train(String network, String... extra) throws Exception {
        List<String> s = new ArrayList<>(List.of(
                "data.path=" + resource("fashion-train-4k.csv.gz"),
                "data.test.path=" + resource("fashion-test-1k.csv.gz"),
                "network.config=" + LocalSpark.projectRoot().resolve("conf/networks/" + network),
                "model.name=fashion",
                "train.batch.size.per.worker=32"));
        s.addAll(List.of(extra));
        HadoopModelStore store = HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        return new TrainingPipeline(spark, store, DefaultEngine.get())
                .run(TrainSettings.loader().load(null, s));
    }

    @Test
    void denseNetworkLearnsFashionMnist() throws Exception {
        TrainingSummary s = train("mlp-784-256-128-10.yaml", "train.epochs=4");
        assertThat(s.testExamples()).isEqualTo(1000);
        assertThat(s.metrics().get("accuracy")).isGreaterThan(0.72);
    }

    @Test
    void convolutionalNetworkLearnsFashionMnist() throws Exception {
        TrainingSummary s = train("cnn-28x28.yaml", "train.epochs=3", "split.validation.fraction=0");
        assertThat(s.metrics().get("accuracy")).isGreaterThan(0.65);
        assertThat(s.published().metadata().training())
                .containsEntry(
                        "network.config",
                        LocalSpark.projectRoot()
                                .resolve("conf/networks/cnn-28x28.yaml")
                                .toString());
    }
}
