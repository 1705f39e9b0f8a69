package dev.hearth.runtime.onnx;

import dev.hearth.store.NormalizerSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small DL4J networks of the kinds Hearth trains (and one the fast pass does not cover), seeded. */
public final class TestNetworks {
    private TestNetworks() {}

    /** 4-8-6-3: ReLU, tanh, softmax. */
    public static MultiLayerNetwork classifier() {
        return initialised(new NeuralNetConfiguration.Builder()
                .seed(11)
                .list()
                .layer(reluFourToEight())
                .layer(new DenseLayer.Builder()
                        .nIn(8)
                        .nOut(6)
                        .activation(Activation.TANH)
                        .build())
                .layer(softmaxOutput(6))
                .build());
    }

    /** A dense layer, batch normalisation, softmax output: outside the fast pass. */
    public static MultiLayerNetwork withBatchNorm() {
        return initialised(new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(reluFourToEight())
                .layer(new BatchNormalization.Builder().nOut(8).build())
                .layer(softmaxOutput(8))
                .build());
    }

    private static DenseLayer reluFourToEight() {
        return new DenseLayer.Builder()
                .nIn(4)
                .nOut(8)
                .activation(Activation.RELU)
                .build();
    }

    /** Three classes over {@code inputs} values, softmax with cross-entropy. */
    private static OutputLayer softmaxOutput(int inputs) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(inputs)
                .nOut(3)
                .activation(Activation.SOFTMAX)
                .build();
    }

    private static MultiLayerNetwork initialised(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Iris-like feature ranges, one of them constant (it maps to 0). */
    public static NormalizerSpec minmax() {
        return new NormalizerSpec(
                "minmax", new double[] {4.3, 2.0, 1.0, 0.1}, new double[] {7.9, 4.4, 6.9, 0.1}, null, null);
    }
}
