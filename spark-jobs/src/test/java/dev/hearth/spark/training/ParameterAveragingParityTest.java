package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Guards the engine seam: parameter averaging with one worker and averaging frequency 1 must produce the same
 * parameters as single-machine {@code MultiLayerNetwork.fit} on the same minibatches in the same order (Adam,
 * so updater state and iteration counts must travel correctly). Tolerance: 1e-5 absolute on float32 parameters.
 */
class ParameterAveragingParityTest {
    private static final double TOLERANCE = 1e-5;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("parity-test", "local[1]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static MultiLayerConfiguration conf() {
        return new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(10).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(10).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    private static DataSet batch(int seed, int n) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (i + seed) % 3, 1f);
        }
        return new DataSet(x, y);
    }

    @Test
    void oneWorkerFrequencyOneMatchesSingleMachineFit() {
        assertParity("direct");
    }

    @Test
    void exportedMinibatchFilesGiveTheSameParameters() {
        assertParity("export");
    }

    private void assertParity(String approach) {
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batches.add(batch(100 + i, 16));
        }
        MultiLayerNetwork single = new MultiLayerNetwork(conf());
        single.init();
        MultiLayerNetwork distributed = new MultiLayerNetwork(conf());
        distributed.init();
        assertThat(distributed.params()).isEqualTo(single.params());

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainingOptions options = new TrainingOptions(1, 16, 1, 0, approach, "", "never", 1, false);
        try (TrainingEngine.Session session = new ParameterAveragingEngine().open(sc, distributed, options)) {
            // One minibatch per pass: each pass is exactly one averaging round of one fit step.
            for (DataSet b : batches) {
                single.fit(b);
                session.fitEpoch(sc.parallelize(List.of(b), 1));
            }
            INDArray expected = single.params();
            INDArray actual = session.network().params();
            double maxDiff = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMax(
                    expected.sub(actual))).getDouble(0);
            assertThat(maxDiff).as("max |single - averaged| over %d parameters", expected.length())
                    .isLessThan(TOLERANCE);
            assertThat(expected.sub(batchParamsOf(conf())).norm2Number().doubleValue())
                    .as("training moved the parameters").isGreaterThan(1e-3);
        }
    }

    private static INDArray batchParamsOf(MultiLayerConfiguration conf) {
        MultiLayerNetwork fresh = new MultiLayerNetwork(conf);
        fresh.init();
        return fresh.params();
    }
}
