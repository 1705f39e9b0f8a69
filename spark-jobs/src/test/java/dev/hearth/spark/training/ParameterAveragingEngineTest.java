package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.spark.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
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
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The export path of {@link ParameterAveragingEngine}: minibatches are exported once per training RDD and reused
 * by later epochs, every epoch reports a per-round time breakdown, DL4J's cached round results are released, and
 * closing the session removes the run's export directory (and only it).
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
    void exportsOnceReportsRoundsAndCleansUp(@TempDir Path exportBase) throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, 6);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
            for (int r = 0; r < 8; r++) {
                y.putScalar(r, (r + i) % 3, 1f);
            }
            batches.add(new DataSet(x, y));
        }
        JavaRDD<DataSet> train = sc.parallelize(batches, 2);
        TrainingOptions options = new TrainingOptions(2, 8, 3, 2, "export", exportBase.toString(), "auto", 5, true);
        INDArray before = net.params().dup();
        try (TrainingEngine.Session session = new ParameterAveragingEngine().open(sc, net, options)) {
            session.fitEpoch(train);
            RoundBreakdown first = session.lastEpochBreakdown();
            assertThat(first).isNotNull();
            assertThat(first.rounds()).as("24 minibatches / (2 workers x 3)").isEqualTo(4);
            assertThat(first.exportMs()).as("first epoch exports").isPositive();
            assertThat(first.computeMs()).isPositive();
            assertThat(first.roundMs()).isGreaterThanOrEqualTo(first.computeMs());
            try (var files = Files.walk(exportBase)) {
                assertThat(files.filter(p -> p.toString().endsWith(".hmb")).count()).isEqualTo(24);
            }

            session.fitEpoch(train);
            assertThat(session.lastEpochBreakdown().exportMs()).as("second epoch reuses the export").isZero();
            assertThat(session.network().params()).isNotEqualTo(before);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sc.getPersistentRDDs().values())
                    .as("DL4J's cached round results are released")
                    .noneMatch(r -> r.getStorageLevel().equals(StorageLevel.MEMORY_AND_DISK()) && r.name() == null));
        }
        try (var left = Files.list(exportBase)) {
            assertThat(left).as("the run's export directory is removed, the configured base stays").isEmpty();
        }
        assertThat(Files.isDirectory(exportBase)).isTrue();
        assertThat(sc.getPersistentRDDs().values()).noneMatch(r -> MinibatchExport.NAME.equals(r.name()));
    }
}
