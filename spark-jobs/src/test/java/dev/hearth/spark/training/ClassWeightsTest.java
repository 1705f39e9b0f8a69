package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** Class counts and the imbalance warning, class weights in the loss, and their effect on a minority class. */
class ClassWeightsTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("class-weights-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Settings settings(String... values) {
        return TrainSettings.loader().load(null, List.of(values));
    }

    @Test
    void aWeightScalesTheLossOfItsClass() {
        NetworkSpec spec = NetworkSpecResolver.resolve(settings("network.hidden=8"), new Configuration());
        MultiLayerNetwork plain = init(NetworkBuilder.build(spec, 4, 3));
        MultiLayerNetwork weighted = init(NetworkBuilder.build(spec, 4, 3, new double[] {1, 5, 1}));
        assertThat(weighted.params()).isEqualTo(plain.params());
        DataSet ofClass1 = new DataSet(Nd4j.rand(6, 4), Nd4j.create(new float[][] {
            {0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, 0}
        }));
        DataSet ofClass0 = new DataSet(Nd4j.rand(6, 4), Nd4j.create(new float[][] {
            {1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}
        }));
        assertThat(weighted.score(ofClass1)).isCloseTo(5 * plain.score(ofClass1), within(1e-4));
        assertThat(weighted.score(ofClass0)).isCloseTo(plain.score(ofClass0), within(1e-6));
        assertThatThrownBy(() -> NetworkBuilder.build(spec, 4, 3, new double[] {1, 2}))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("one weight per class");
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    @Test
    void weightsAreParsedUpFrontAndNamedClassesChecked() {
        Map<String, Long> counts = Map.of("a", 90L, "b", 10L);
        List<String> labels = List.of("a", "b");
        assertThat(ClassBalance.of(settings(), true).weights(labels, counts)).isNull();
        // auto: 100 rows / (2 classes x rows of the class)
        assertThat(ClassBalance.of(settings("train.class.weights=auto"), true).weights(labels, counts))
                .containsExactly(100.0 / 180, 100.0 / 20);
        assertThat(ClassBalance.of(settings("train.class.weights=b:4"), true).weights(labels, counts))
                .containsExactly(1.0, 4.0);
        // "1.0" in the setting is the canonical class "1"
        assertThat(ClassBalance.of(settings("train.class.weights=1.0:3"), true).weights(List.of("0", "1"), Map.of()))
                .containsExactly(1.0, 3.0);
        assertThatThrownBy(() -> ClassBalance.of(settings("train.class.weights=b:4"), true)
                        .weights(labels.subList(0, 1), counts))
                .isInstanceOf(SettingsException.class)
                .hasMessage("train.class.weights names class 'b', which is not one of the model's classes [a]");
        assertThatThrownBy(() -> ClassBalance.of(settings("train.class.weights=b:0"), true))
                .hasMessage("train.class.weights entry 'b:0' must have a finite weight > 0");
        assertThatThrownBy(() -> ClassBalance.of(settings("train.class.weights=balanced"), true))
                .hasMessageContaining("must be none, auto or label:weight,... but entry 'balanced'");
        assertThatThrownBy(() -> ClassBalance.of(settings("train.class.weights=a:1,a:2"), true))
                .hasMessageContaining("names class 'a' twice");
        assertThatThrownBy(() -> ClassBalance.of(settings("train.class.weights=auto"), false))
                .hasMessageContaining("with a regression head");
        assertThatThrownBy(() -> ClassBalance.of(settings("train.class.imbalance.warn.ratio=0.5"), true))
                .hasMessageContaining("train.class.imbalance.warn.ratio must be between 1.0");
    }

    @Test
    void imbalanceIsReportedWithAWarningPastTheRatio() {
        ClassBalance b = ClassBalance.of(settings("train.class.imbalance.warn.ratio=5"), true);
        ClassBalance.Imbalance even = b.report(Map.of("a", 50L, "b", 40L), List.of("a", "b", "c"));
        assertThat(even.counts()).containsExactly(Map.entry("a", 50L), Map.entry("b", 40L), Map.entry("c", 0L));
        assertThat(even.ratio()).isEqualTo(1.25);
        assertThat(even.warning()).isNull();
        ClassBalance.Imbalance skewed = b.report(Map.of("a", 120L, "b", 20L), List.of("a", "b"));
        assertThat(skewed.ratio()).isEqualTo(6.0);
        assertThat(skewed.warning())
                .isEqualTo("Class imbalance: class 'a' has 6.0 times the rows of class 'b' "
                        + "(120 vs 20; train.class.imbalance.warn.ratio is 5.0): accuracy flatters the majority class; "
                        + "watch per-class recall and consider train.class.weights=auto");
    }

    @Test
    void autoWeightsRaiseMinorityRecallOnAnImbalancedSubset() throws Exception {
        // digits "3" (majority) against a handful of "8": train on 150 vs 8, test on a balanced set. Measured here:
        // recall of 8 is 0.00 unweighted and 0.90 with auto weights (5 epochs).
        List<String> lines = Files.readAllLines(Path.of(
                getClass().getResource("/dev/hearth/spark/data/digits-8x8.csv").toURI()));
        List<String> threes =
                new ArrayList<>(lines.stream().filter(l -> l.endsWith(",3")).toList());
        List<String> eights =
                new ArrayList<>(lines.stream().filter(l -> l.endsWith(",8")).toList());
        Collections.shuffle(threes, new Random(1));
        Collections.shuffle(eights, new Random(2));
        List<String> train = new ArrayList<>(List.of(lines.get(0)));
        train.addAll(threes.subList(0, 150));
        train.addAll(eights.subList(0, 8));
        List<String> test = new ArrayList<>(List.of(lines.get(0)));
        test.addAll(threes.subList(150, 180));
        test.addAll(eights.subList(8, 38));
        Files.write(dir.resolve("train.csv"), train);
        Files.write(dir.resolve("test.csv"), test);
        double plain = minorityRecall("plain", "train.class.weights=none");
        double weighted = minorityRecall("weighted", "train.class.weights=auto");
        System.out.printf("recall of the minority class 8: unweighted %.3f, auto weights %.3f%n", plain, weighted);
        assertThat(weighted).isGreaterThan(plain + 0.3);
    }

    private double minorityRecall(String name, String weights) {
        HadoopModelStore store = HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        ModelVersion v = new TrainingPipeline(spark, store, DefaultEngine.get())
                .run(settings(
                        "data.path=" + dir.resolve("train.csv"),
                        "data.test.path=" + dir.resolve("test.csv"),
                        "model.name=" + name,
                        "network.hidden=16",
                        "network.learning.rate=0.01",
                        "train.epochs=5",
                        "train.batch.size.per.worker=16",
                        "train.averaging.frequency=2",
                        "split.validation.fraction=0",
                        "train.checkpoint=false",
                        weights))
                .published();
        MultiLayerNetwork net = StoredModels.load(store, v.ref().toString()).network();
        OutputLayer out =
                (OutputLayer) net.getLayerWiseConfigurations().getConf(1).getLayer();
        LossMCXENT loss = (LossMCXENT) out.getLossFn();
        assertThat(loss.getWeights() != null).isEqualTo(weights.endsWith("auto"));
        try {
            java.util.Map<?, ?> metrics = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(store.readFile(v, "evaluation.json"), java.util.Map.class);
            return ((Number) ((java.util.Map<?, ?>) metrics.get("metrics")).get("recall.8")).doubleValue();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
