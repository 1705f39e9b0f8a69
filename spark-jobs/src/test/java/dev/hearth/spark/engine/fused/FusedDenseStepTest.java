package dev.hearth.spark.engine.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.spark.network.Head;
import dev.hearth.spark.network.HiddenActivation;
import dev.hearth.spark.network.LayerSpec;
import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.network.Schedule;
import dev.hearth.spark.network.Updater;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Which networks the fused step refuses and why, bad minibatches, and that a step allocates nothing. */
class FusedDenseStepTest {

    private static MultiLayerNetwork network(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static NetworkSpec spec(List<Integer> input, LayerSpec... layers) {
        return new NetworkSpec(
                input, List.of(layers), Head.CLASSIFICATION, Updater.ADAM, 1e-3, Schedule.NONE, 0, 0, 0, 1);
    }

    @Test
    void namesWhyAConvolutionalNetworkIsNotFused() {
        MultiLayerNetwork conv = network(NetworkBuilder.build(
                spec(List.of(1, 8, 8), LayerSpec.conv(4, List.of(3, 3), List.of(1, 1), HiddenActivation.RELU, 0)),
                64,
                3));
        assertThat(FusedDenseStep.unsupported(conv)).contains("input preprocessors");
    }

    @Test
    void namesWhyADropoutLayerIsNotFused() {
        MultiLayerNetwork net = network(NetworkBuilder.build(
                spec(List.of(6), LayerSpec.dense(8, HiddenActivation.RELU, 0), LayerSpec.dropout(0.5)), 6, 3));
        assertThat(FusedDenseStep.unsupported(net)).contains("layer 1 is a DropoutLayer");
        StringBuilder reason = new StringBuilder();
        assertThat(FusedDenseStep.create(net, 4, new SeededDropoutMasks(1), reason))
                .isNull();
        assertThat(reason).contains("DropoutLayer");
    }

    @Test
    void namesAnotherUpdaterLossOrHiddenSoftmax() {
        var base = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT);
        assertThat(FusedDenseStep.unsupported(network(base.updater(new AdaGrad(0.1))
                        .list()
                        .layer(new DenseLayer.Builder()
                                .nIn(4)
                                .nOut(4)
                                .activation(Activation.RELU)
                                .build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nIn(4)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build())
                        .build())))
                .contains("updater");
        base = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT);
        assertThat(FusedDenseStep.unsupported(network(base.list()
                        .layer(new DenseLayer.Builder()
                                .nIn(4)
                                .nOut(4)
                                .activation(Activation.SOFTMAX)
                                .build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nIn(4)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build())
                        .build())))
                .contains("layer 0 has activation");
        base = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT);
        assertThat(FusedDenseStep.unsupported(network(base.list()
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.HINGE)
                                .nIn(4)
                                .nOut(2)
                                .activation(Activation.IDENTITY)
                                .build())
                        .build())))
                .contains("loss");
    }

    @Test
    void refusesAMinibatchOfTheWrongShape() {
        MultiLayerNetwork net =
                network(NetworkBuilder.build(spec(List.of(6), LayerSpec.dense(8, HiddenActivation.RELU, 0)), 6, 3));
        try (FusedDenseStep step = FusedDenseStep.create(net, 4, new SeededDropoutMasks(1), new StringBuilder())) {
            assertThatThrownBy(() -> step.fit(Nd4j.rand(DataType.FLOAT, 4, 5), Nd4j.zeros(DataType.FLOAT, 4, 3)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("4x5 features")
                    .hasMessageContaining("6 inputs");
        }
    }

    @Test
    void aStepAllocatesNothingOnTheHeapOnceWarm() {
        MultiLayerNetwork net = network(NetworkBuilder.build(
                spec(
                        List.of(32),
                        LayerSpec.dense(64, HiddenActivation.RELU, 0.1),
                        LayerSpec.dense(32, HiddenActivation.TANH, 0)),
                32,
                5));
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 32);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 64, 5);
        for (int r = 0; r < 64; r++) {
            y.putScalar(r, r % 5, 1f);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (FusedDenseStep step = FusedDenseStep.create(net, 64, new SeededDropoutMasks(1), new StringBuilder())) {
            double first = step.fit(x, y);
            for (int i = 0; i < 200; i++) {
                step.fit(x, y);
            }
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            double last = 0;
            for (int i = 0; i < 100; i++) {
                last = step.fit(x, y);
            }
            long perStep =
                    (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / 100;
            // Only the pointer object ND4J creates for the minibatch's address: no arrays, no buffers.
            assertThat(perStep).isLessThan(512);
            assertThat(last).isLessThan(first);
        }
    }

    @Test
    void theLocalTrainerFallsBackToFitAndSaysWhy() {
        MultiLayerNetwork conv = network(NetworkBuilder.build(
                spec(List.of(1, 8, 8), LayerSpec.conv(4, List.of(3, 3), List.of(1, 1), HiddenActivation.RELU, 0)),
                64,
                3));
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 64);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
        y.putScalar(0, 1, 1f);
        try (LocalTrainer trainer = LocalTrainer.open(conv, 4, 1, true)) {
            assertThat(trainer.isFused()).isFalse();
            assertThat(trainer.fallbackReason()).contains("input preprocessors");
            trainer.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
            assertThat(conv.getIterationCount()).isEqualTo(1);
        }
        MultiLayerNetwork dense =
                network(NetworkBuilder.build(spec(List.of(6), LayerSpec.dense(8, HiddenActivation.RELU, 0)), 6, 3));
        try (LocalTrainer trainer = LocalTrainer.open(dense, 4, 1, true)) {
            assertThat(trainer.isFused()).isTrue();
            trainer.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.rand(DataType.FLOAT, 4, 6), y));
            assertThat(dense.getIterationCount()).isEqualTo(1);
        }
    }
}
