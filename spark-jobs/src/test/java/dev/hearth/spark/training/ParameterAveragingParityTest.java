package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.data.EpochPlan;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Guards the engine seam: parameter averaging with one worker and averaging frequency 1 must produce the same
 * parameters as single-machine {@code MultiLayerNetwork.fit} on the same minibatches in the same order (Adam,
 * so updater state and iteration counts must travel correctly); with workers that fit different numbers of
 * examples, the result is the example-weighted mean of replicas fitted locally. Tolerance: 1e-5 absolute on
 * float32 parameters.
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
        return ParityNets.conf();
    }

    private static DataSet batch(int seed, int n) {
        return ParityNets.batch(seed, n);
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
        TrainingOptions options = new TrainingOptions(1, 16, 1, 0, approach, "", 1, false);
        try (TrainingEngine.Session session = new ParameterAveragingEngine().open(sc, distributed, options)) {
            // One minibatch per pass: each pass is exactly one averaging round of one fit step.
            int epoch = 0;
            for (DataSet b : batches) {
                single.fit(b);
                EpochFit fit = session.fitEpoch(
                        new EpochBatches(++epoch, new EpochPlan(16, 16, 1, 1), sc.parallelize(List.of(b), 1)));
                assertThat(fit.examples()).isEqualTo(16);
            }
            INDArray expected = single.params();
            INDArray actual = session.network().params();
            double maxDiff = Nd4j.getExecutioner()
                    .exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMax(expected.sub(actual)))
                    .getDouble(0);
            assertThat(maxDiff)
                    .as("max |single - averaged| over %d parameters", expected.length())
                    .isLessThan(TOLERANCE);
            assertThat(expected.sub(batchParamsOf(conf())).norm2Number().doubleValue())
                    .as("training moved the parameters")
                    .isGreaterThan(1e-3);
        }
    }

    @Test
    void unequalWorkersAreAveragedByTheExamplesTheyFitted() {
        assertWeightedAverage("direct");
    }

    @Test
    void unequalWorkersAreAveragedByExamplesWithExportedFiles() {
        assertWeightedAverage("export");
    }

    /**
     * Three minibatches of 8 on two workers with averaging frequency 2: one round in which worker 0 fits two
     * minibatches (16 examples) and worker 1 one (8). The result must be the example-weighted mean of the two
     * replicas (parameters and Adam state), not DL4J's plain mean.
     */
    private void assertWeightedAverage(String approach) {
        List<DataSet> batches = List.of(batch(200, 8), batch(201, 8), batch(202, 8));
        MultiLayerNetwork a = new MultiLayerNetwork(conf());
        a.init();
        a.fit(batches.get(0));
        a.fit(batches.get(1));
        MultiLayerNetwork b = new MultiLayerNetwork(conf());
        b.init();
        b.fit(batches.get(2));
        INDArray weighted = a.params().mul(16.0 / 24).addi(b.params().mul(8.0 / 24));
        INDArray plain = a.params().add(b.params()).divi(2);
        INDArray weightedState = a.getUpdater()
                .getStateViewArray()
                .mul(16.0 / 24)
                .addi(b.getUpdater().getStateViewArray().mul(8.0 / 24));

        MultiLayerNetwork distributed = new MultiLayerNetwork(conf());
        distributed.init();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        EpochPlan plan = new EpochPlan(24, 8, 2, 2);
        assertThat(plan.rounds()).isEqualTo(1);
        assertThat(plan.examples(0)).isEqualTo(16);
        assertThat(plan.examples(1)).isEqualTo(8);
        TrainingOptions options = new TrainingOptions(2, 8, 2, 0, approach, "", 1, false);
        try (TrainingEngine.Session session = new ParameterAveragingEngine().open(sc, distributed, options)) {
            // Slot 0 (worker 0) holds minibatches 0 and 1, slot 1 (worker 1) minibatch 2.
            // (ArrayLists: Kryo cannot rebuild the JDK's immutable lists.)
            List<List<DataSet>> slots =
                    List.of(new ArrayList<>(batches.subList(0, 2)), new ArrayList<>(batches.subList(2, 3)));
            EpochFit fit = session.fitEpoch(
                    new EpochBatches(1, plan, sc.parallelize(slots, 2).flatMap(List::iterator)));
            assertThat(fit.examples()).isEqualTo(24);
            INDArray actual = session.network().params();
            assertThat(maxAbs(weighted.sub(actual)))
                    .as("max |example-weighted mean - result|")
                    .isLessThan(TOLERANCE);
            assertThat(maxAbs(plain.sub(actual)))
                    .as("the plain mean differs from the result")
                    .isGreaterThan(1e-4);
            assertThat(maxAbs(weightedState.sub(session.network().getUpdater().getStateViewArray())))
                    .as("Adam state is averaged by examples too")
                    .isLessThan(TOLERANCE);
        }
    }

    private static double maxAbs(INDArray a) {
        return Nd4j.getExecutioner()
                .exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMax(a))
                .getDouble(0);
    }

    private static INDArray batchParamsOf(MultiLayerConfiguration conf) {
        MultiLayerNetwork fresh = new MultiLayerNetwork(conf);
        fresh.init();
        return fresh.params();
    }
}
