package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.data.TrainingBatches;
import dev.hearth.store.NormalizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The export path of {@link ParameterAveragingEngine}: every epoch exports its own (newly shuffled) minibatches and
 * deletes them once trained, every epoch reports a per-round time breakdown with the rounds of its plan, DL4J's
 * cached round results are released, and closing the session removes the run's export directory (and only it).
 */
class ParameterAveragingEngineTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("engine-test", "local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void exportsEachEpochReportsRoundsAndCleansUp(@TempDir Path exportBase) throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(6)
                        .nOut(16)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(16)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        Random random = new Random(11);
        List<LabelledRow> rows = new ArrayList<>();
        for (int i = 0; i < 192; i++) {
            float[] x = new float[6];
            for (int f = 0; f < 6; f++) {
                x[f] = random.nextFloat();
            }
            rows.add(new LabelledRow(String.valueOf(i % 3), x));
        }
        TrainingBatches train = TrainingBatches.of(
                sc.parallelize(rows, 2),
                192,
                8,
                LabelEncoding.classes(List.of("0", "1", "2")),
                NormalizerSpec.none(),
                6,
                2,
                3,
                5);
        TrainingOptions options = new TrainingOptions(2, 8, 3, 2, "export", exportBase.toString(), 5, true);
        INDArray before = net.params().dup();
        try (TrainingEngine.Session session = new ParameterAveragingEngine().open(sc, net, options)) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                EpochFit fit = session.fitEpoch(train.epoch(epoch));
                assertThat(fit.examples())
                        .as("epoch %d fits every row once", epoch)
                        .isEqualTo(192);
                RoundBreakdown b = session.lastEpochBreakdown();
                assertThat(b).isNotNull();
                assertThat(b.rounds()).as("24 minibatches / (2 workers x 3)").isEqualTo(4);
                assertThat(b.exportMs())
                        .as("epoch %d exports its own minibatches", epoch)
                        .isPositive();
                assertThat(b.computeMs()).isPositive();
                assertThat(b.roundMs()).isGreaterThanOrEqualTo(b.computeMs());
                try (var files = Files.walk(exportBase)) {
                    assertThat(files.filter(p -> p.toString().endsWith(".hmb")))
                            .as("epoch %d's files are deleted once it is trained", epoch)
                            .isEmpty();
                }
            }
            assertThat(session.network().params()).isNotEqualTo(before);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(sc.getPersistentRDDs().values())
                            .as("DL4J's cached round results are released")
                            .noneMatch(r ->
                                    r.getStorageLevel().equals(StorageLevel.MEMORY_AND_DISK()) && r.name() == null));
            assertThat(sc.getPersistentRDDs().values()).noneMatch(r -> MinibatchExport.NAME.equals(r.name()));
        }
        try (var left = Files.list(exportBase)) {
            assertThat(left)
                    .as("the run's export directory is removed, the configured base stays")
                    .isEmpty();
        }
        assertThat(Files.isDirectory(exportBase)).isTrue();
    }
}
