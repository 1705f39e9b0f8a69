package dev.hearth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.dl4j.Dl4jPredictor;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restoring stored versions: dispatch on the framework, verification, the probe, and clear refusals. */
class ModelRuntimeTest {
    @TempDir
    Path dir;

    private HadoopModelStore store() {
        return HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
    }

    @Test
    void loadsAStoredDl4jVersionThatAnswersLikeItsNetwork() {
        HadoopModelStore store = store();
        MultiLayerNetwork net = TestNetworks.classifier(7);
        ModelVersion v =
                TestNetworks.publish(store, "iris", ModelFiles.DL4J_MULTILAYER, TestNetworks.classification(), net);
        ModelRuntime runtime = ModelRuntime.standard(RuntimeOptions.DEFAULTS);
        assertThat(runtime.frameworks()).containsExactly(ModelFiles.DL4J_MULTILAYER, ModelFiles.ONNX);
        assertThat(runtime.declaredBytes(v)).isEqualTo(TestNetworks.zip(net).length);
        float[] rows = {1, 2, 3, 4, 5, 6, 7, 8};
        try (Predictor p = runtime.load(store, v);
                Dl4jPredictor byHand = new Dl4jPredictor("iris/1", TestNetworks.classification(), net, false)) {
            assertThat(p).isInstanceOf(Dl4jPredictor.class);
            assertThat(((Dl4jPredictor) p).usesDenseForwardPass()).isTrue();
            assertThat(((RowPredictor) p).predictRows(rows, 2))
                    .containsExactly(byHand.predictRows(rows, 2), org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void anUnknownFrameworkIsRefusedNamingItAndTheKnownOnes() {
        HadoopModelStore store = store();
        ModelVersion v = TestNetworks.publish(
                store, "iris", "tensorflow-savedmodel", TestNetworks.classification(), TestNetworks.classifier(7));
        ModelRuntime runtime = ModelRuntime.standard(RuntimeOptions.DEFAULTS);
        assertThatThrownBy(() -> runtime.load(store, v))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("format"))
                .hasMessage("model iris/1 has framework 'tensorflow-savedmodel' but this Hearth runs only "
                        + "[dl4j-multilayer, onnx]");
        assertThat(runtime.declaredBytes(v)).isZero();
    }

    @Test
    void aCorruptedModelFileFailsVerificationBeforeAnyRestore() throws Exception {
        HadoopModelStore store = store();
        ModelVersion v = TestNetworks.publish(
                store, "iris", ModelFiles.DL4J_MULTILAYER, TestNetworks.classification(), TestNetworks.classifier(7));
        Path zip = Path.of(URI.create(v.location())).resolve(ModelFiles.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(zip);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(zip, bytes);
        assertThatThrownBy(() -> ModelRuntime.standard(RuntimeOptions.DEFAULTS).load(store, v))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("integrity"))
                .hasMessageContaining("SHA-256");
    }

    @Test
    void bytesThatAreNotADl4jZipAreRefusedAsAFormatError() {
        ModelRuntime runtime = ModelRuntime.standard(RuntimeOptions.DEFAULTS);
        assertThatThrownBy(() -> runtime.open(new ModelArtifact(
                        "iris/9",
                        ModelFiles.DL4J_MULTILAYER,
                        TestNetworks.classification(),
                        "not a zip".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("format"))
                .hasMessageStartingWith("cannot restore iris/9: ");
    }

    @Test
    void theZipGuardChecksTheVeryBytesHandedToDl4j() throws Exception {
        byte[] genuine = TestNetworks.zip(TestNetworks.classifier(7));
        java.io.ByteArrayOutputStream hostile = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(genuine));
                var out = new java.util.zip.ZipOutputStream(hostile)) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            // DL4J would Java-deserialize this entry; the guard refuses it before DL4J sees the bytes.
            out.putNextEntry(new java.util.zip.ZipEntry("preprocessor.bin"));
            out.write(new byte[] {(byte) 0xac, (byte) 0xed, 0, 5});
            out.closeEntry();
        }
        assertThatThrownBy(() -> ModelRuntime.standard(RuntimeOptions.DEFAULTS)
                        .open(new ModelArtifact(
                                "iris/3",
                                ModelFiles.DL4J_MULTILAYER,
                                TestNetworks.classification(),
                                hostile.toByteArray())))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("format"))
                .hasMessageStartingWith(
                        "cannot restore iris/3: model.zip of iris/3 has entry 'preprocessor.bin', which Hearth"
                                + " never writes; refusing to load it");
    }

    @Test
    void aSignatureThatDisagreesWithTheNetworkFailsTheProbe() {
        // Four labels for a network with three outputs.
        Signature four = new Signature("input", "FP32", 4, List.of(), List.of("a", "b", "c", "d"), null);
        ModelRuntime runtime = ModelRuntime.standard(new RuntimeOptions(false, 0));
        assertThatThrownBy(() -> runtime.open(new ModelArtifact(
                        "iris/2", ModelFiles.DL4J_MULTILAYER, four, TestNetworks.zip(TestNetworks.classifier(7)))))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("warmup"))
                .hasMessage("warm-up inference of iris/2 failed: it returned 3 values per row but the signature has 4"
                        + " labels");
    }

    /** A framework of its own: one FP32 input {@code x [-1, 2]}, output {@code y} = x0 / x1 (NaN on the probe). */
    private static final class Ratio implements Predictor {
        boolean closed;

        @Override
        public List<TensorSpec> inputs() {
            return List.of(TensorSpec.rows("x", 2));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.rows("y", 1));
        }

        @Override
        public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> requested) {
            FloatBuffer x = (FloatBuffer) inputs.get("x").data();
            int rows = x.remaining() / 2;
            FloatBuffer y = FloatBuffer.allocate(rows);
            for (int r = 0; r < rows; r++) {
                y.put(r, x.get(x.position() + 2 * r) / x.get(x.position() + 2 * r + 1));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("y", new Tensor("y", TensorType.FP32, new long[] {rows, 1}, y));
            return out;
        }

        @Override
        public long offHeapBytes() {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private record RatioFactory(List<Ratio> opened) implements PredictorFactory {
        @Override
        public String framework() {
            return "ratio";
        }

        @Override
        public String modelFile() {
            return "ratio.bin";
        }

        @Override
        public Predictor open(ModelArtifact artifact) {
            Ratio r = new Ratio();
            opened.add(r);
            return r;
        }
    }

    @Test
    void dispatchesOnTheFrameworkAndClosesAPredictorThatFailsTheProbe() {
        List<Ratio> opened = new java.util.ArrayList<>();
        ModelRuntime runtime = new ModelRuntime(List.of(
                new RatioFactory(opened), new dev.hearth.runtime.dl4j.Dl4jPredictorFactory(RuntimeOptions.DEFAULTS)));
        assertThat(runtime.frameworks()).containsExactly("ratio", ModelFiles.DL4J_MULTILAYER);
        assertThat(runtime.factory("ratio", "r/1")).isInstanceOf(RatioFactory.class);
        assertThatThrownBy(() ->
                        runtime.open(new ModelArtifact("r/1", "ratio", TestNetworks.classification(), new byte[0])))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("warmup"))
                .hasMessage("warm-up inference of r/1 failed: it returned a non-finite value NaN");
        assertThat(opened).hasSize(1);
        assertThat(opened.get(0).closed)
                .as("a refused predictor is closed, not leaked")
                .isTrue();

        assertThatThrownBy(() -> new ModelRuntime(List.of(new RatioFactory(opened), new RatioFactory(opened))))
                .hasMessage("two predictor factories for framework 'ratio'");
    }
}
