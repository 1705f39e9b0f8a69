package dev.hearth.runtime.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Hearth's dense forward pass against DL4J's {@code output()} on real networks. */
class DenseForwardPassTest {

    private static MultiLayerNetwork network(long seed, DenseLayer... hidden) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .list();
        for (DenseLayer layer : hidden) {
            list.layer(layer);
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(5)
                .activation(Activation.SOFTMAX)
                .build());
        MultiLayerNetwork net = new MultiLayerNetwork(
                list.setInputType(InputType.feedForward(12)).build());
        net.init();
        return net;
    }

    private static DenseLayer dense(int units, Activation activation) {
        return new DenseLayer.Builder().nOut(units).activation(activation).build();
    }

    private static float[] rows(int rows, int width, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 2;
        }
        return values;
    }

    private static float[] run(DenseForwardPass pass, float[] values, int rows) {
        for (int r = 0; r < rows; r++) {
            pass.setRow(r, values, r * pass.inputWidth(), rows);
        }
        return pass.forward(rows);
    }

    private static float[] dl4j(MultiLayerNetwork net, float[] values, int rows, int width) {
        return net.output(Nd4j.create(values, new long[] {rows, width}, 'c'), false)
                .data()
                .asFloat();
    }

    private static void assertSameAsDl4j(MultiLayerNetwork net) {
        StringBuilder reason = new StringBuilder();
        DenseForwardPass pass = DenseForwardPass.create(net, reason);
        assertThat(pass).as("unsupported: %s", reason).isNotNull();
        try {
            // Growing batches reallocate the scratch buffers; a smaller one after them reuses them.
            for (int rows : new int[] {1, 3, 64, 200, 7}) {
                float[] values = rows(rows, 12, rows);
                float[] expected = dl4j(net, values, rows, 12);
                float[] actual = run(pass, values, rows);
                assertThat(actual).hasSize(expected.length);
                for (int i = 0; i < expected.length; i++) {
                    assertThat((double) actual[i])
                            .as("value %d of %d rows", i, rows)
                            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        } finally {
            pass.close();
        }
    }

    @Test
    void reluSoftmaxMatchesDl4j() {
        assertSameAsDl4j(network(1, dense(32, Activation.RELU), dense(16, Activation.RELU)));
    }

    @Test
    void everySupportedActivationMatchesDl4j() {
        assertSameAsDl4j(network(
                2,
                dense(20, Activation.TANH),
                dense(20, Activation.SIGMOID),
                dense(20, Activation.LEAKYRELU),
                dense(20, Activation.IDENTITY)));
    }

    @Test
    void layersWithoutBiasAndRegressionOutputsMatchDl4j() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(9)
                        .hasBias(false)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.feedForward(12))
                .build());
        net.init();
        assertSameAsDl4j(net);
    }

    @Test
    void otherLayersAndActivationsAreNamedAndLeftToDl4j() {
        MultiLayerNetwork conv = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(4)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(2)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(5)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build());
        conv.init();
        assertThat(DenseForwardPass.unsupported(conv)).isEqualTo("it has input preprocessors");

        assertThat(DenseForwardPass.unsupported(network(5, dense(8, Activation.ELU))))
                .startsWith("layer 0 has activation");
        DenseLayer capped = new DenseLayer.Builder()
                .nOut(8)
                .activation(new ActivationReLU(6.0, 0.0, 0.0))
                .build();
        assertThat(DenseForwardPass.unsupported(network(6, capped))).startsWith("layer 0 has activation");
        DenseLayer normed = new DenseLayer.Builder()
                .nOut(8)
                .activation(Activation.RELU)
                .hasLayerNorm(true)
                .build();
        assertThat(DenseForwardPass.unsupported(network(7, normed))).isEqualTo("layer 0 has layer normalisation");

        StringBuilder reason = new StringBuilder();
        assertThat(DenseForwardPass.create(conv, reason)).isNull();
        assertThat(reason).hasToString("it has input preprocessors");
    }

    @Test
    void probeRowsTellANetworkWithOtherWeightsApart() {
        MultiLayerNetwork net = network(8, dense(16, Activation.RELU));
        DenseForwardPass pass = DenseForwardPass.create(net, new StringBuilder());
        try {
            assertThat(pass.difference(net)).isLessThanOrEqualTo(DenseForwardPass.TOLERANCE);
            assertThat(pass.difference(network(9, dense(16, Activation.RELU)))).isGreaterThan(0.01);
        } finally {
            pass.close();
        }
    }
}
