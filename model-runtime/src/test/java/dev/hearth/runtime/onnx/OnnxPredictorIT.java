package dev.hearth.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ONNX files PyTorch wrote (an MLP trained on iris, a CNN trained on 28x28 digits, a two-input model) run in
 * {@link OnnxPredictor} and answer what PyTorch answered on the same rows (within 1e-5); bad inputs are refused
 * naming them; bad files (truncated, not ONNX, too new an opset, an unknown operator, FP16 and string tensors) are
 * refused with their reason.
 */
class OnnxPredictorIT {
    private static final double TOLERANCE = 1e-5;
    private static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

    private static Signature signatureOf(OnnxGraph graph, List<String> labels, NormalizerSpec normalizer) {
        return Signature.tensors(graph.inputs(), graph.outputs(), labels, null, normalizer, List.of());
    }

    @Test
    void pytorchMlpAnswersAsPytorchDid() throws Exception {
        byte[] bytes = ThirdPartyFiles.model("mlp");
        OnnxGraph graph = OnnxGraph.inspect(bytes, "mlp.onnx");
        assertThat(graph.inputs()).containsExactly(new TensorSpec("features", "FP32", List.of(-1L, 4L)));
        assertThat(graph.outputs()).containsExactly(new TensorSpec("probabilities", "FP32", List.of(-1L, 3L)));
        assertThat(graph.info().producerName()).isEqualTo("pytorch");
        assertThat(graph.info().opset()).isEqualTo(17);
        assertThat(graph.info().operators()).contains("ai.onnx:Gemm", "ai.onnx:Relu", "ai.onnx:Softmax");
        Map<String, Tensor> rows = ThirdPartyFiles.tensors("mlp", "inputs");
        Tensor expected = ThirdPartyFiles.tensors("mlp", "outputs").get("probabilities");
        try (OnnxPredictor p = OnnxPredictor.open(bytes, signatureOf(graph, SPECIES, null), 1)) {
            Tensor actual = p.predict(rows, Set.of()).get("probabilities");
            assertThat(ThirdPartyFiles.maxDifference(actual, expected)).isLessThanOrEqualTo(TOLERANCE);
            assertThat(p.offHeapBytes()).isGreaterThan(bytes.length);
        }
    }

    @Test
    void storedNormaliserIsAppliedBeforeTheGraph() throws Exception {
        byte[] bytes = ThirdPartyFiles.model("mlp");
        OnnxGraph graph = OnnxGraph.inspect(bytes, "mlp.onnx");
        // minmax over [1, 3] maps 2x + 1 back to x: the graph must see the rows PyTorch saw.
        double[] min = {1, 1, 1, 1};
        double[] max = {3, 3, 3, 3};
        NormalizerSpec minmax = new NormalizerSpec("minmax", min, max, null, null);
        Tensor rows = ThirdPartyFiles.tensors("mlp", "inputs").get("features");
        float[] raw = new float[(int) rows.elementCount()];
        ((FloatBuffer) rows.data().duplicate()).get(raw);
        float[] scaled = raw.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = 2 * scaled[i] + 1;
        }
        Tensor expected = ThirdPartyFiles.tensors("mlp", "outputs").get("probabilities");
        try (OnnxPredictor p = OnnxPredictor.open(bytes, signatureOf(graph, SPECIES, minmax), 1)) {
            FloatBuffer in = FloatBuffer.wrap(scaled);
            Tensor actual = p.predict(
                            Map.of("features", new Tensor("features", TensorType.FP32, rows.shape(), in)), Set.of())
                    .get("probabilities");
            assertThat(ThirdPartyFiles.maxDifference(actual, expected)).isLessThanOrEqualTo(TOLERANCE);
            assertThat(in.get(0)).as("the caller's buffer is left as it was").isEqualTo(scaled[0]);
        }
    }

    @Test
    void pytorchCnnOnImagesAnswersAsPytorchDid() throws Exception {
        byte[] bytes = ThirdPartyFiles.model("cnn");
        OnnxGraph graph = OnnxGraph.inspect(bytes, "cnn.onnx");
        assertThat(graph.inputs()).containsExactly(new TensorSpec("pixels", "FP32", List.of(-1L, 1L, 28L, 28L)));
        List<String> digits = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        try (OnnxPredictor p = OnnxPredictor.open(bytes, signatureOf(graph, digits, null), 2)) {
            Tensor actual = p.predict(ThirdPartyFiles.tensors("cnn", "inputs"), Set.of())
                    .get("logits");
            Tensor expected = ThirdPartyFiles.tensors("cnn", "outputs").get("logits");
            assertThat(ThirdPartyFiles.maxDifference(actual, expected)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void twoInputModelTakesEachInputByNameAndReturnsWhatIsAsked() throws Exception {
        byte[] bytes = ThirdPartyFiles.model("two_input");
        OnnxGraph graph = OnnxGraph.inspect(bytes, "two_input.onnx");
        assertThat(graph.inputs())
                .containsExactly(
                        new TensorSpec("a", "FP32", List.of(-1L, 3L)), new TensorSpec("b", "INT64", List.of(-1L, 2L)));
        assertThat(graph.outputs())
                .containsExactly(
                        new TensorSpec("scores", "FP64", List.of(-1L, 2L)),
                        new TensorSpec("best", "INT64", List.of(-1L)));
        Map<String, Tensor> in = ThirdPartyFiles.tensors("two_input", "inputs");
        Map<String, Tensor> expected = ThirdPartyFiles.tensors("two_input", "outputs");
        try (OnnxPredictor p = OnnxPredictor.open(bytes, signatureOf(graph, null, null), 1)) {
            Map<String, Tensor> all = p.predict(in, Set.of());
            assertThat(all.keySet()).containsExactly("scores", "best");
            assertThat(ThirdPartyFiles.maxDifference(all.get("scores"), expected.get("scores")))
                    .isLessThanOrEqualTo(TOLERANCE);
            assertThat(ThirdPartyFiles.values(all.get("best")))
                    .containsExactly(ThirdPartyFiles.values(expected.get("best")));
            assertThat(p.predict(in, Set.of("best")).keySet()).containsExactly("best");

            Map<String, Tensor> missing = Map.of("a", in.get("a"));
            assertBadInput(() -> p.predict(missing, Set.of()), "input 'b' is missing; the model takes [a, b]");
            Map<String, Tensor> extra = new HashMap<>(in);
            extra.put("c", in.get("a"));
            assertBadInput(() -> p.predict(extra, Set.of()), "unknown input 'c'");
            Map<String, Tensor> int32 = new HashMap<>(in);
            int32.put("b", new Tensor("b", TensorType.INT32, new long[] {4, 2}, IntBuffer.wrap(new int[8])));
            assertBadInput(() -> p.predict(int32, Set.of()), "input 'b' must be INT64 but was INT32");
            Map<String, Tensor> wide = new HashMap<>(in);
            wide.put("a", new Tensor("a", TensorType.FP32, new long[] {3, 4}, FloatBuffer.wrap(new float[12])));
            assertBadInput(
                    () -> p.predict(wide, Set.of()),
                    "input 'a' must have shape [-1, 3] (-1: any size) but " + "had [3, 4]");
            assertBadInput(
                    () -> p.predict(in, Set.of("logits")),
                    "unknown output 'logits'; the model returns " + "[scores, best]");
        }
    }

    @Test
    void signatureThatIsNotTheGraphsIsRefused() throws Exception {
        byte[] bytes = ThirdPartyFiles.model("mlp");
        Signature wrong = new Signature("features", "FP32", 5, List.of(), SPECIES, null);
        assertThatThrownBy(() -> OnnxPredictor.open(bytes, wrong, 1, "mlp.onnx"))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("the signature's inputs [features FP32 [-1, 5]] are not the graph's "
                        + "[features FP32 [-1, 4]]");
    }

    @Test
    void closedPredictorRefusesToRun() throws Exception {
        byte[] bytes = ThirdPartyFiles.model("mlp");
        OnnxPredictor p = OnnxPredictor.open(bytes, signatureOf(OnnxGraph.inspect(bytes, "m"), SPECIES, null), 1);
        p.close();
        p.close();
        assertThatThrownBy(() -> p.predict(ThirdPartyFiles.tensors("mlp", "inputs"), Set.of()))
                .isInstanceOf(PredictionException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void badFilesAreRefusedNamingTheCause() throws Exception {
        byte[] mlp = ThirdPartyFiles.model("mlp");
        assertRefused(Arrays.copyOf(mlp, mlp.length / 2), OnnxModelException.Reason.TRUNCATED, "is truncated");
        assertRefused(Arrays.copyOf(mlp, mlp.length - 3), OnnxModelException.Reason.TRUNCATED, "is truncated");
        Path iris = Path.of(
                System.getProperty("hearth.root", ".."),
                "model-runtime/src/test/resources/dev/hearth/runtime/onnx/iris.csv");
        assertRefused(Files.readAllBytes(iris), OnnxModelException.Reason.NOT_ONNX, "is not an ONNX model");
        assertRefused(
                new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}, OnnxModelException.Reason.NOT_ONNX, "is not an ONNX model");
        assertRefused(
                ThirdPartyFiles.model("opset_too_new"),
                OnnxModelException.Reason.OPSET,
                "needs opset 30 but this ONNX Runtime runs opsets <= 21");
        assertRefused(ThirdPartyFiles.model("unknown_op"), OnnxModelException.Reason.OPERATOR, "FrobnicateTensor");
        assertRefused(
                ThirdPartyFiles.model("fp16_input"),
                OnnxModelException.Reason.ELEMENT_TYPE,
                "input 'h' has element type FLOAT16 but Hearth exchanges FP32, FP64, INT32 or INT64 tensors only");
        assertRefused(
                ThirdPartyFiles.model("string_input"),
                OnnxModelException.Reason.ELEMENT_TYPE,
                "input 's' has element type STRING");
    }

    private static void assertRefused(byte[] bytes, OnnxModelException.Reason reason, String message) {
        assertThatThrownBy(() -> OnnxGraph.inspect(bytes, "f.onnx"))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("f.onnx")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((OnnxModelException) e).reason()).isEqualTo(reason));
    }

    private static void assertBadInput(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOf(PredictionException.class)
                .hasMessageContaining(message)
                .satisfies(
                        e -> assertThat(((PredictionException) e).isBadInput()).isTrue());
    }
}
