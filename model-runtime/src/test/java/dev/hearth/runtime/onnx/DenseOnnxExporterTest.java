package dev.hearth.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J dense networks written as ONNX and run by ONNX Runtime answer what DL4J answers on rows of their own (raw
 * features in, the stored normalisers inside the graph) within 1e-5; the file's header says who wrote it; networks
 * the fast pass does not cover are refused naming the layer.
 */
class DenseOnnxExporterTest {
    private static final double TOLERANCE = 1e-5;

    static MultiLayerNetwork classifier() {
        return TestNetworks.classifier();
    }

    static NormalizerSpec minmax() {
        return TestNetworks.minmax();
    }

    @Test
    void classifierWithMinmaxRunsInOnnxRuntimeAsInDl4j() {
        MultiLayerNetwork net = classifier();
        Signature sig =
                new Signature("input", "FP32", 4, List.of("a", "b", "c", "d"), List.of("x", "y", "z"), minmax());
        byte[] onnx = DenseOnnxExporter.export(net, sig, "iris/3", 3);
        OnnxModelInfo info = OnnxModelInfo.read(onnx, "export");
        assertThat(info.producerName()).isEqualTo("hearth");
        assertThat(info.opset()).isEqualTo(13);
        assertThat(info.modelVersion()).isEqualTo(3);
        assertThat(info.metadata()).containsEntry("hearth.labels", "x\ny\nz").containsEntry("hearth.source", "iris/3");
        assertThat(info.operators())
                .contains(
                        "ai.onnx:Gemm",
                        "ai.onnx:Relu",
                        "ai.onnx:Tanh",
                        "ai.onnx:Softmax",
                        "ai.onnx:Sub",
                        "ai.onnx:Mul");
        // Imported back, the graph's own signature is the stored one without the normaliser (it is inside).
        OnnxGraph graph = OnnxGraph.inspect(onnx, "export");
        assertThat(graph.inputs()).isEqualTo(sig.inputs());
        assertThat(graph.outputs()).isEqualTo(sig.outputs());
        assertThat(compare(onnx, net, sig, 50)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void regressionWithTargetScalingAnswersInTargetUnits() {
        var conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(3)
                        .nOut(7)
                        .activation(Activation.LEAKYRELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(7)
                        .nOut(5)
                        .activation(Activation.SIGMOID)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(5)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        NormalizerSpec features =
                new NormalizerSpec("standardize", null, null, new double[] {1, -2, 30}, new double[] {0.5, 3, 0});
        NormalizerSpec targets =
                new NormalizerSpec("standardize", null, null, new double[] {100, 0.5}, new double[] {20, 0.1});
        Signature sig = Signature.regression("input", 3, List.of(), features, List.of("p", "q"), targets);
        byte[] onnx = DenseOnnxExporter.export(net, sig, "r/1", 1);
        assertThat(OnnxGraph.inspect(onnx, "export").outputs().get(0).name()).isEqualTo("value");
        assertThat(compare(onnx, net, sig, 40)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void networksTheFastPassDoesNotCoverAreRefusedNamingTheLayer() {
        MultiLayerNetwork net = TestNetworks.withBatchNorm();
        Signature sig = new Signature("input", "FP32", 4, List.of(), List.of("x", "y", "z"), null);
        assertThatThrownBy(() -> DenseOnnxExporter.export(net, sig, "bn/1", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot export bn/1 as ONNX: layer 1 is a BatchNormalization");
        Signature wrongWidth = new Signature("input", "FP32", 5, List.of(), List.of("x", "y", "z"), null);
        assertThatThrownBy(() -> DenseOnnxExporter.export(classifier(), wrongWidth, "w/1", 1))
                .hasMessageContaining("the network takes 4 features but its signature says 5");
    }

    /**
     * Largest difference between ONNX Runtime on raw rows and DL4J on the same rows normalised (and, for
     * regression, mapped back to target units) as the server does; relative for regression's larger values.
     */
    static double compare(byte[] onnx, MultiLayerNetwork net, Signature sig, int rows) {
        int width = sig.featureCount();
        Random random = new Random(42);
        float[] raw = new float[rows * width];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) (random.nextGaussian() * 3 + 2);
        }
        float[] normalised = raw.clone();
        for (int r = 0; r < rows; r++) {
            sig.normalizer().apply(normalised, r * width, width);
        }
        float[] expected = net.output(Nd4j.create(normalised, new long[] {rows, width}, 'c'), false)
                .castTo(DataType.FLOAT)
                .dup('c')
                .data()
                .asFloat();
        int out = expected.length / rows;
        for (int r = 0; r < rows && sig.isRegression(); r++) {
            sig.targetNormalizer().invert(expected, r * out, out);
        }
        Signature plain = Signature.tensors(sig.inputs(), sig.outputs(), null, null, null, null);
        try (OnnxPredictor p = OnnxPredictor.open(onnx, plain, 1)) {
            Tensor in = new Tensor("input", TensorType.FP32, new long[] {rows, width}, FloatBuffer.wrap(raw));
            FloatBuffer actual = (FloatBuffer) p.predict(Map.of("input", in), Set.of())
                    .values()
                    .iterator()
                    .next()
                    .data();
            double max = 0;
            for (int i = 0; i < expected.length; i++) {
                double scale = sig.isRegression() ? Math.max(1, Math.abs(expected[i])) : 1;
                max = Math.max(max, Math.abs(actual.get(i) - expected[i]) / scale);
            }
            return max;
        }
    }
}
