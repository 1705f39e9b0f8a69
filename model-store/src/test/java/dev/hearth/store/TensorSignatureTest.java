package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensor signatures (metadata format 3): named inputs and outputs of any shape, an image model and a two-input model
 * through a real store, the derived inputs and outputs of feature-rows signatures (formats 1 and 2, named as the
 * server names them), their JSON left exactly as before, and validation naming the field.
 */
class TensorSignatureTest {
    @TempDir
    Path dir;

    private final MetadataJson json = new MetadataJson();

    private static ModelDraft draft(Signature sig) {
        return new ModelDraft(
                "onnx",
                sig,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of("model.onnx", out -> out.write("m".getBytes(StandardCharsets.UTF_8))));
    }

    private static Signature image() {
        return Signature.tensors(
                List.of(new TensorSpec("pixels", "FP32", List.of(-1L, 1L, 28L, 28L))),
                List.of(new TensorSpec("logits", "FP32", List.of(-1L, 3L))),
                List.of("a", "b", "c"),
                null,
                null,
                null);
    }

    @Test
    void imageClassifierRoundTripsThroughTheStoreAsFormat3() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), new Configuration());
        ModelVersion v = store.publish("cnn", draft(image()));
        assertThat(v.metadata().formatVersion()).isEqualTo(3);
        Signature back = store.resolve(ModelRef.parse("cnn")).metadata().signature();
        assertThat(back).isEqualTo(image());
        assertThat(back.isFeatureRows()).isFalse();
        assertThat(back.isClassification()).isTrue();
        assertThat(back.labelsOutput()).isEqualTo("logits");
        assertThat(back.inputs().get(0).shape()).containsExactly(-1L, 1L, 28L, 28L);
        assertThat(back.inputName()).isEqualTo("pixels");
        assertThat(back.featureCount()).isEqualTo(784);
        assertThat(back.outputNames()).containsExactly("logits", "label");
        String text = Files.readString(dir.resolve("cnn/versions/1/metadata.json"));
        assertThat(text)
                .contains("\"formatVersion\" : 3")
                .contains("\"inputs\"")
                .doesNotContain("featureCount");
    }

    @Test
    void twoInputModelWithoutLabelsReturnsItsTensors() {
        Signature s = Signature.tensors(
                List.of(new TensorSpec("a", "FP32", List.of(-1L, 3L)), new TensorSpec("b", "INT64", List.of(-1L, -1L))),
                List.of(new TensorSpec("sum", "FP64", List.of(-1L, 2L)), new TensorSpec("idx", "INT32", List.of(-1L))),
                null,
                null,
                null,
                null);
        assertThat(s.task()).isEqualTo(Signature.TENSORS);
        assertThat(s.outputNames()).containsExactly("sum", "idx");
        assertThat(s.input("b").datatype()).isEqualTo("INT64");
        assertThat(s.featureCount()).isEqualTo(3);
        Signature back = json.read(json.write(meta(s)), "m/1").signature();
        assertThat(back).isEqualTo(s);
        assertThat(ModelMetadata.formatVersionFor(s)).isEqualTo(3);
    }

    @Test
    void featureRowsDeriveTheirTensorsAsTheServerNamesThem() {
        Signature c = new Signature("input", "FP32", 4, List.of(), List.of("x", "y", "z"), null);
        assertThat(c.isFeatureRows()).isTrue();
        assertThat(c.inputs()).containsExactly(new TensorSpec("input", "FP32", List.of(-1L, 4L)));
        assertThat(c.outputs()).containsExactly(new TensorSpec("probabilities", "FP32", List.of(-1L, 3L)));
        assertThat(c.labelsOutput()).isEqualTo("probabilities");
        assertThat(c.outputNames()).containsExactly("probabilities", "label");

        Signature r = Signature.regression("input", 2, List.of(), null, List.of("area"), null);
        assertThat(r.outputs()).containsExactly(new TensorSpec("area", "FP32", List.of(-1L, 1L)));
        assertThat(r.outputNames()).containsExactly("area");
        Signature multi = Signature.regression("input", 2, List.of(), null, List.of("p", "q"), null);
        assertThat(multi.outputNames()).containsExactly("value");
        assertThat(multi.outputs().get(0).shape()).containsExactly(-1L, 2L);
        assertThat(ModelMetadata.formatVersionFor(c)).isEqualTo(1);
        assertThat(ModelMetadata.formatVersionFor(r)).isEqualTo(2);
    }

    @Test
    void featureRowsJsonIsExactlyTheFormat1And2Fields() throws Exception {
        Signature c = new Signature("input", "FP32", 2, List.of("f", "g"), List.of("x", "y"), null);
        String text = json.mapper().writeValueAsString(c);
        assertThat(text).doesNotContain("inputs").doesNotContain("outputs").doesNotContain("labelsOutput");
        assertThat(json.mapper().readTree(text).fieldNames())
                .toIterable()
                .containsExactly(
                        "inputName",
                        "datatype",
                        "featureCount",
                        "featureNames",
                        "labelNames",
                        "normalizer",
                        "task",
                        "targets",
                        "targetNormalizer");
        // A tensor signature that says exactly what feature rows say is feature rows, stored as format 1.
        Signature same = Signature.tensors(
                List.of(TensorSpec.rows("input", 2)),
                List.of(TensorSpec.rows("probabilities", 2)),
                List.of("x", "y"),
                null,
                null,
                List.of("f", "g"));
        assertThat(same).isEqualTo(c);
        assertThat(ModelMetadata.formatVersionFor(same)).isEqualTo(1);
    }

    @Test
    void normaliserBelongsToASingleFp32RowInput() {
        NormalizerSpec minmax = new NormalizerSpec("minmax", new double[] {0, 0}, new double[] {1, 2}, null, null);
        Signature ok = Signature.tensors(
                List.of(new TensorSpec("x", "FP32", List.of(-1L, 2L))),
                List.of(new TensorSpec("y", "FP32", List.of(-1L, 1L))),
                null,
                null,
                minmax,
                null);
        assertThat(json.read(json.write(meta(ok)), "m/1")
                        .signature()
                        .normalizer()
                        .max())
                .containsExactly(1, 2);
        assertThatThrownBy(() -> Signature.tensors(
                        List.of(new TensorSpec("x", "FP32", List.of(-1L, 3L))),
                        List.of(new TensorSpec("y", "FP32", List.of(-1L, 1L))),
                        null,
                        null,
                        minmax,
                        null))
                .hasMessageContaining("minmax normalizer over 2 features needs a single FP32 input of shape [d, 2]")
                .hasMessageContaining("x FP32 [-1, 3]");
    }

    @Test
    void inconsistentTensorSignaturesAreRefusedNamingTheField() {
        List<TensorSpec> in = List.of(TensorSpec.rows("x", 2));
        assertThatThrownBy(() ->
                        Signature.tensors(in, List.of(TensorSpec.rows("y", 3)), List.of("a", "b"), null, null, null))
                .hasMessageContaining("labels output 'y' must be FP32 or FP64 of shape [d, 2] for 2 labels");
        assertThatThrownBy(() -> Signature.tensors(
                        in,
                        List.of(TensorSpec.rows("y", 2), TensorSpec.rows("z", 2)),
                        List.of("a", "b"),
                        null,
                        null,
                        null))
                .hasMessageContaining("labelsOutput must name the output the labels belong to, one of [y, z]");
        assertThatThrownBy(() ->
                        Signature.tensors(in, List.of(TensorSpec.rows("y", 2)), List.of("a", "b"), "q", null, null))
                .hasMessageContaining("labelsOutput 'q' must be one of the outputs [y]");
        assertThatThrownBy(() -> Signature.tensors(
                        in, List.of(TensorSpec.rows("y", 2), TensorSpec.rows("y", 1)), null, null, null, null))
                .hasMessageContaining("names of outputs must be distinct but were [y, y]");
        assertThatThrownBy(() -> Signature.tensors(in, List.of(), null, null, null, null))
                .hasMessageContaining("outputs must hold 1 to 64 tensors but held 0");
        assertThatThrownBy(() -> Signature.tensors(
                        in, List.of(TensorSpec.rows("label", 2)), List.of("a", "b"), null, null, null))
                .hasMessageContaining("no output may be named 'label'");
        String regression = """
                {"formatVersion": 3, "name": "m", "version": 1, "signature": {"task": "regression",
                 "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 2]}],
                 "outputs": [{"name": "y", "datatype": "FP32", "shape": [-1, 1]}]}}
                """;
        assertThatThrownBy(() -> json.read(regression.getBytes(StandardCharsets.UTF_8), "m/1"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("task of a tensor signature must be one of [classification, tensors] but was "
                        + "'regression'");
    }

    private static ModelMetadata meta(Signature s) {
        return new ModelMetadata(
                ModelMetadata.formatVersionFor(s), "m", 1, "t", "c", "onnx", s, null, null, null, null, null, null);
    }
}
