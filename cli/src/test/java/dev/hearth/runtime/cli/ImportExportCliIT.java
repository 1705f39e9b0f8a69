package dev.hearth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.runtime.onnx.DenseOnnxExporter;
import dev.hearth.runtime.onnx.OnnxPredictor;
import dev.hearth.runtime.onnx.TestNetworks;
import dev.hearth.runtime.onnx.ThirdPartyFiles;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Sha256;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/**
 * {@code hearth models import} and {@code export} on a real store in a temporary directory: PyTorch's files are
 * published with a signature read from their graphs and their SHA-256 in the provenance; bad files are refused
 * with the cause and leave the store exactly as it was; a Hearth-trained DL4J network is exported, re-imported,
 * and answers in ONNX Runtime what DL4J answers (within 1e-5).
 */
class ImportExportCliIT {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Path store() {
        return dir.resolve("store");
    }

    private int run(String... args) {
        CommandLine cl = ModelsMain.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--store";
        all[args.length + 1] = store().toString();
        return cl.execute(all);
    }

    /** Imports PyTorch's mlp.onnx as {@code name} with {@code labels}; returns the exit code. */
    private int importMlp(String name, String labels) throws Exception {
        return run(
                "import",
                "--framework",
                "onnx",
                "--file",
                ThirdPartyFiles.file("mlp.onnx").toString(),
                "--name",
                name,
                "--labels",
                labels);
    }

    @Test
    void importsPytorchFilesWithTheirGraphAsSignature() throws Exception {
        Path mlp = ThirdPartyFiles.file("mlp.onnx");
        assertThat(run(
                        "import",
                        "--framework",
                        "onnx",
                        "--file",
                        mlp.toString(),
                        "--name",
                        "iris-torch",
                        "--labels",
                        "setosa,versicolor,virginica"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString())
                .contains("imported iris-torch/1 (onnx, opset 17, producer pytorch")
                .contains("features FP32 [-1, 4]")
                .contains("labels:  [setosa, versicolor, virginica]");
        HadoopModelStore store = HadoopModelStore.open(store().toString(), new Configuration());
        ModelVersion v = store.resolve(ModelRef.parse("iris-torch"));
        assertThat(v.metadata().framework()).isEqualTo("onnx");
        // One FP32 [-1, 4] input and class probabilities named as Hearth names them: feature rows, format 1.
        assertThat(v.metadata().signature().isFeatureRows()).isTrue();
        assertThat(v.metadata().formatVersion()).isEqualTo(1);
        assertThat(v.metadata().provenance())
                .containsEntry("source.sha256", Sha256.hex(Files.readAllBytes(mlp)))
                .containsEntry("onnx.producer", "pytorch")
                .containsEntry("onnx.opset", 17);
        assertThat(v.metadata().signature().labelsOutput()).isEqualTo("probabilities");
        assertThat(store.readFile(v, ModelFiles.ONNX_FILE)).isEqualTo(Files.readAllBytes(mlp));

        Path labels = dir.resolve("digits.txt");
        Files.writeString(labels, "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
        assertThat(run(
                        "import",
                        "--framework",
                        "onnx",
                        "--file",
                        ThirdPartyFiles.file("cnn.onnx").toString(),
                        "--name",
                        "digits-cnn",
                        "--labels-file",
                        labels.toString()))
                .as(err.toString())
                .isZero();
        ModelVersion cnn = store.resolve(ModelRef.parse("digits-cnn"));
        assertThat(cnn.metadata().signature().inputs().get(0).shape()).containsExactly(-1L, 1L, 28L, 28L);
        assertThat(cnn.metadata().formatVersion()).isEqualTo(3);
        assertThat(run(
                        "import",
                        "--framework",
                        "onnx",
                        "--file",
                        ThirdPartyFiles.file("two_input.onnx").toString(),
                        "--name",
                        "two"))
                .as(err.toString())
                .isZero();
        Signature two = store.resolve(ModelRef.parse("two")).metadata().signature();
        assertThat(two.task()).isEqualTo("tensors");
        assertThat(two.outputNames()).containsExactly("scores", "best");
        // Aliases and the rest of the store's commands apply as to any version.
        assertThat(run("alias", "set", "two", "production", "1")).isZero();
        assertThat(run("show", "two@production", "--json")).isZero();
        assertThat(out.toString()).contains("\"framework\" : \"onnx\"");
    }

    @Test
    void badFilesAreRefusedAndTheStoreIsLeftAsItWas() throws Exception {
        assertThat(importMlp("kept", "a,b,c")).isZero();
        List<String> before = listing(store());
        byte[] mlp = Files.readAllBytes(ThirdPartyFiles.file("mlp.onnx"));
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(mlp, mlp.length * 2 / 3));
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "this is a text file, not a model\n");
        assertRefused(truncated, ModelsMain.MODEL_REFUSED, "truncated.onnx is truncated");
        assertRefused(text, ModelsMain.MODEL_REFUSED, "notes.onnx is not an ONNX model");
        assertRefused(
                ThirdPartyFiles.file("opset_too_new.onnx"),
                ModelsMain.MODEL_REFUSED,
                "needs opset 30 but this ONNX Runtime runs opsets <= 21");
        assertRefused(
                ThirdPartyFiles.file("unknown_op.onnx"),
                ModelsMain.MODEL_REFUSED,
                "uses an operator this ONNX Runtime does not implement");
        assertRefused(ThirdPartyFiles.file("fp16_input.onnx"), ModelsMain.MODEL_REFUSED, "element type FLOAT16");
        // A usage mistake: two labels for three classes.
        assertThat(importMlp("bad", "a,b")).isEqualTo(2);
        assertThat(err.toString()).contains("must be FP32 or FP64 of shape [d, 2] for 2 labels");
        assertThat(run("import", "--framework", "tensorflow", "--file", text.toString(), "--name", "bad"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--framework must be one of [onnx] but was 'tensorflow'");
        assertThat(listing(store())).isEqualTo(before);
    }

    private void assertRefused(Path file, int code, String message) {
        assertThat(run("import", "--framework", "onnx", "--file", file.toString(), "--name", "bad"))
                .as(err.toString())
                .isEqualTo(code);
        assertThat(err.toString()).contains(message);
    }

    @Test
    void hearthModelExportedReimportedAndRunByOnnxRuntimeAnswersAsDl4j() throws Exception {
        MultiLayerNetwork net = TestNetworks.classifier();
        NormalizerSpec minmax = TestNetworks.minmax();
        Signature sig = new Signature("input", "FP32", 4, List.of("a", "b", "c", "d"), List.of("x", "y", "z"), minmax);
        HadoopModelStore store = HadoopModelStore.open(store().toString(), new Configuration());
        dev.hearth.runtime.TestNetworks.publish(store, "hearth-iris", ModelFiles.DL4J_MULTILAYER, sig, net);
        store.setAlias("hearth-iris", "production", 1, null, "test");
        Path file = dir.resolve("out/iris.onnx");
        assertThat(run("export", "hearth-iris@production", "--format", "onnx", "--output", file.toString()))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("exported hearth-iris/1 to");
        assertThat(run("export", "hearth-iris/1", "--format", "onnx", "--output", file.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("exists; pass --force to replace it");

        // No --labels: the file carries them.
        assertThat(run("import", "--framework", "onnx", "--file", file.toString(), "--name", "reimported"))
                .as(err.toString())
                .isZero();
        ModelVersion v = store.resolve(ModelRef.parse("reimported"));
        assertThat(v.metadata().signature().labelNames()).containsExactly("x", "y", "z");
        assertThat(v.metadata().signature().inputs()).isEqualTo(sig.inputs());
        assertThat(v.metadata().provenance()).containsEntry("onnx.producer", "hearth");
        int rows = 64;
        float[] raw = new float[rows * 4];
        Random random = new Random(3);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) (4 + 3 * random.nextDouble());
        }
        float[] normalised = raw.clone();
        for (int r = 0; r < rows; r++) {
            minmax.apply(normalised, r * 4, 4);
        }
        float[] expected = net.output(Nd4j.create(normalised, new long[] {rows, 4}, 'c'), false)
                .castTo(DataType.FLOAT)
                .dup('c')
                .data()
                .asFloat();
        try (OnnxPredictor p = OnnxPredictor.open(
                store.readFile(v, ModelFiles.ONNX_FILE), v.metadata().signature(), 1)) {
            Tensor in = new Tensor("input", TensorType.FP32, new long[] {rows, 4}, FloatBuffer.wrap(raw));
            FloatBuffer actual = (FloatBuffer) p.predict(Map.of("input", in), Set.of())
                    .get("probabilities")
                    .data();
            double max = 0;
            for (int i = 0; i < expected.length; i++) {
                max = Math.max(max, Math.abs(actual.get(i) - expected[i]));
            }
            assertThat(max).isLessThanOrEqualTo(DenseOnnxExporter.TOLERANCE);
        }
    }

    @Test
    void networksTheExportDoesNotCoverAreRefusedAndNothingIsWritten() throws Exception {
        MultiLayerNetwork net = TestNetworks.withBatchNorm();
        Signature sig = new Signature("input", "FP32", 4, List.of(), List.of("x", "y", "z"), null);
        HadoopModelStore store = HadoopModelStore.open(store().toString(), new Configuration());
        dev.hearth.runtime.TestNetworks.publish(store, "bn", ModelFiles.DL4J_MULTILAYER, sig, net);
        Path file = dir.resolve("bn.onnx");
        assertThat(run("export", "bn", "--format", "onnx", "--output", file.toString()))
                .isEqualTo(ModelsMain.MODEL_REFUSED);
        assertThat(err.toString()).contains("layer 1 is a BatchNormalization");
        assertThat(file).doesNotExist();
        assertThat(listing(dir).stream().filter(f -> f.endsWith(".part"))).isEmpty();
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
