package dev.hearth.spark.engine.fused;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.network.Head;
import dev.hearth.spark.network.HiddenActivation;
import dev.hearth.spark.network.LayerSpec;
import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.network.Schedule;
import dev.hearth.spark.network.Updater;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused step against DL4J's {@code fit}: the same network trained 200 steps on the same minibatches both ways
 * ends with the same parameters (relative difference at most 1e-4) and the same updater state, for every
 * configuration the step supports: each updater and schedule, each activation, both heads, L2, class weights and
 * dropout (with the same masks on both sides).
 */
class FusedDenseStepParityTest {
    private static final int STEPS = 200;
    private static final int BATCH = 16;
    private static final int FEATURES = 12;
    private static final double TOLERANCE = 1e-4;

    private static LayerSpec dense(int units, HiddenActivation activation, double dropout) {
        return LayerSpec.dense(units, activation, dropout);
    }

    private static NetworkSpec spec(
            Head head, Updater updater, double lr, Schedule schedule, double l2, LayerSpec... layers) {
        return new NetworkSpec(List.of(FEATURES), List.of(layers), head, updater, lr, schedule, 0.99, 50, l2, 42);
    }

    @Test
    void adamReluSoftmaxCrossEntropy() {
        assertParity(
                NetworkBuilder.build(
                        spec(
                                Head.CLASSIFICATION,
                                Updater.ADAM,
                                1e-3,
                                Schedule.NONE,
                                0,
                                dense(16, HiddenActivation.RELU, 0),
                                dense(8, HiddenActivation.RELU, 0)),
                        FEATURES,
                        3),
                false);
    }

    @Test
    void sgdWithExponentialScheduleTanhAndL2() {
        assertParity(
                NetworkBuilder.build(
                        spec(
                                Head.CLASSIFICATION,
                                Updater.SGD,
                                0.1,
                                Schedule.EXPONENTIAL,
                                1e-3,
                                dense(16, HiddenActivation.TANH, 0)),
                        FEATURES,
                        4),
                false);
    }

    @Test
    void nesterovsWithStepScheduleSigmoidAndLeakyRelu() {
        assertParity(
                NetworkBuilder.build(
                        spec(
                                Head.CLASSIFICATION,
                                Updater.NESTEROVS,
                                0.05,
                                Schedule.STEP,
                                1e-4,
                                dense(16, HiddenActivation.SIGMOID, 0),
                                dense(8, HiddenActivation.LEAKYRELU, 0)),
                        FEATURES,
                        3),
                false);
    }

    @Test
    void adamRegressionWithMse() {
        assertParity(
                NetworkBuilder.build(
                        spec(
                                Head.REGRESSION,
                                Updater.ADAM,
                                1e-3,
                                Schedule.EXPONENTIAL,
                                1e-4,
                                dense(16, HiddenActivation.RELU, 0),
                                dense(8, HiddenActivation.IDENTITY, 0)),
                        FEATURES,
                        1),
                true);
    }

    @Test
    void classWeightsInTheCrossEntropy() {
        assertParity(
                NetworkBuilder.build(
                        spec(
                                Head.CLASSIFICATION,
                                Updater.ADAM,
                                1e-2,
                                Schedule.NONE,
                                0,
                                dense(8, HiddenActivation.RELU, 0)),
                        FEATURES,
                        3,
                        new double[] {0.5, 2, 1}),
                false);
    }

    @Test
    void dropoutWithTheSameMasks() {
        MultiLayerConfiguration conf = NetworkBuilder.build(
                spec(
                        Head.CLASSIFICATION,
                        Updater.ADAM,
                        1e-3,
                        Schedule.NONE,
                        1e-4,
                        dense(16, HiddenActivation.RELU, 0.2),
                        dense(8, HiddenActivation.RELU, 0.3)),
                FEATURES,
                3);
        // Both layers draw from one sequence per side, in layer order, as both implementations do.
        SeededDropoutMasks dl4jMasks = new SeededDropoutMasks(7);
        ((BaseLayer) conf.getConf(0).getLayer()).setIDropout(new MaskedDropout(0.8, dl4jMasks));
        ((BaseLayer) conf.getConf(1).getLayer()).setIDropout(new MaskedDropout(0.7, dl4jMasks));
        assertParity(conf, false, new SeededDropoutMasks(7));
    }

    private static void assertParity(MultiLayerConfiguration conf, boolean regression) {
        assertParity(conf, regression, new SeededDropoutMasks(1));
    }

    private static void assertParity(MultiLayerConfiguration conf, boolean regression, DropoutMasks masks) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf.clone());
        dl4j.init();
        MultiLayerNetwork fused = new MultiLayerNetwork(conf.clone());
        fused.init(dl4j.params().dup(), true);
        int outputs = (int) dl4j.getLayer(dl4j.getnLayers() - 1).getParam("b").length();
        List<DataSet> batches = batches(outputs, regression);
        StringBuilder reason = new StringBuilder();
        try (FusedDenseStep step = FusedDenseStep.create(fused, BATCH, masks, reason)) {
            assertThat(step).as("fused step (%s)", reason).isNotNull();
            for (int i = 0; i < STEPS; i++) {
                DataSet b = batches.get(i % batches.size());
                dl4j.fit(b);
                double loss = step.fit(b.getFeatures(), b.getLabels());
                assertThat(loss).isFinite();
            }
        }
        assertThat(fused.getIterationCount())
                .isEqualTo(dl4j.getIterationCount())
                .isEqualTo(STEPS);
        assertThat(relative(fused.params(), dl4j.params())).as("parameters").isLessThanOrEqualTo(TOLERANCE);
        assertThat(dl4j.params().sub(fused.params()).norm2Number().doubleValue())
                .isGreaterThanOrEqualTo(0);
        INDArray dl4jState = dl4j.getUpdater().getStateViewArray();
        if (dl4jState != null) {
            assertThat(relative(fused.getUpdater().getStateViewArray(), dl4jState))
                    .as("updater state")
                    .isLessThanOrEqualTo(TOLERANCE);
        }
        // Training moved the parameters: a step that did nothing would fail here, not pass.
        assertThat(relative(
                        fused.params(),
                        new MultiLayerNetwork(conf.clone()) {
                            {
                                init();
                            }
                        }.params()))
                .isGreaterThan(100 * TOLERANCE);
    }

    private static double relative(INDArray actual, INDArray expected) {
        return actual.castTo(DataType.DOUBLE)
                        .sub(expected.castTo(DataType.DOUBLE))
                        .norm2Number()
                        .doubleValue()
                / expected.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    }

    private static List<DataSet> batches(int outputs, boolean regression) {
        Random random = new Random(3);
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            float[] x = new float[BATCH * FEATURES];
            float[] y = new float[BATCH * outputs];
            for (int r = 0; r < BATCH; r++) {
                double sum = 0;
                for (int c = 0; c < FEATURES; c++) {
                    float v = (float) random.nextGaussian();
                    x[r * FEATURES + c] = v;
                    sum += v * (c % 3 - 1);
                }
                if (regression) {
                    y[r] = (float) (0.5 * sum + 0.1 * random.nextGaussian());
                } else {
                    y[r * outputs + (int) Math.floorMod(Math.round(sum), outputs)] = 1f;
                }
            }
            batches.add(new DataSet(
                    Nd4j.create(x, new long[] {BATCH, FEATURES}, 'c'),
                    Nd4j.create(y, new long[] {BATCH, outputs}, 'c')));
        }
        return batches;
    }
}
