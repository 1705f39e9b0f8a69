package dev.hearth.runtime.onnx;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Sha256;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Imports an ONNX file as a new version: reads the graph (inputs, outputs, producer, opset), builds the signature
 * from it and the given labels and normaliser, runs it once on a probe batch in ONNX Runtime and publishes it
 * through the store's atomic publish, with the source file's SHA-256 in the provenance. Any failure publishes
 * nothing. {@code hearth models import} and tests call it.
 */
public final class OnnxImport {
    /** Largest model file read. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /**
     * What the caller adds to the graph.
     *
     * @param labels class names of the labelled output's last axis; {@code null}: those a file Hearth exported
     *     carries, else none
     * @param labelsOutput the output the labels name ({@code null}: the graph's only output)
     * @param normalizer the normaliser for a single FP32 {@code [d, n]} input, given n ({@code -1} for any other
     *     graph)
     */
    public record Options(List<String> labels, String labelsOutput, IntFunction<NormalizerSpec> normalizer) {
        /** No labels given, no normaliser. */
        public static Options none() {
            return new Options(null, null, features -> NormalizerSpec.none());
        }

        /** These labels, no normaliser. */
        public static Options labels(List<String> labels) {
            return new Options(labels, null, features -> NormalizerSpec.none());
        }
    }

    /** The published version with what the import read from the graph. */
    public record Result(ModelVersion version, Signature signature, OnnxModelInfo info) {}

    private OnnxImport() {}

    /**
     * Reads {@code file} (at most {@value #MAX_FILE_BYTES} bytes), checks and probes it, publishes it as
     * {@code name}.
     */
    public static Result importFile(ModelStore store, String name, Path file, Options options) throws IOException {
        ModelNames.validate("model name", name);
        byte[] bytes = read(file);
        String what = file.getFileName().toString();
        OnnxGraph graph = OnnxGraph.inspect(bytes, what);
        Signature signature = signature(graph, options);
        try (OnnxPredictor probe = OnnxPredictor.open(bytes, signature, 1, what)) {
            // Opened and probed: the graph runs here as the server will run it.
        }
        ModelDraft draft = new ModelDraft(
                ModelFiles.ONNX,
                signature,
                Map.of(),
                Map.of(),
                provenance(file, graph.info(), bytes),
                Map.of(),
                Map.of(ModelFiles.ONNX_FILE, out -> out.write(bytes)));
        return new Result(store.publish(name, draft), signature, graph.info());
    }

    private static Signature signature(OnnxGraph graph, Options options) {
        List<String> names = options.labels() == null ? List.of() : trimmed(options.labels());
        String exported = graph.info().metadata().get(DenseOnnxExporter.LABELS_PROPERTY);
        if (options.labels() == null && exported != null) {
            // A file Hearth exported carries its labels: it comes back as the classifier it was.
            names = trimmed(Arrays.asList(exported.split("\n")));
        }
        int features = -1;
        if (graph.inputs().size() == 1 && graph.inputs().get(0).shape().size() == 2) {
            features = graph.inputs().get(0).shape().get(1).intValue();
        }
        NormalizerSpec spec = options.normalizer().apply(features);
        return Signature.tensors(graph.inputs(), graph.outputs(), names, options.labelsOutput(), spec, List.of());
    }

    private static List<String> trimmed(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (!v.isBlank()) {
                out.add(v.strip());
            }
        }
        return out;
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--file " + file + " is not a readable file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(
                    "--file " + file + " has " + size + " bytes; at most " + MAX_FILE_BYTES + " are imported");
        }
        return Files.readAllBytes(file);
    }

    private static Map<String, Object> provenance(Path file, OnnxModelInfo info, byte[] bytes) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source.file", file.toAbsolutePath().normalize().toString());
        p.put("source.sha256", Sha256.hex(bytes));
        p.put("source.bytes", bytes.length);
        p.put("onnx.producer", info.producerName());
        p.put("onnx.producerVersion", info.producerVersion());
        p.put("onnx.irVersion", info.irVersion());
        p.put("onnx.opset", info.opset());
        p.put("onnx.opsets", info.opsets());
        p.put("onnx.graph", info.graphName());
        p.put("onnx.modelVersion", info.modelVersion());
        p.put("onnx.operators", List.copyOf(info.operators()));
        p.put("import.probe", "ran in ONNX Runtime " + runtimeVersion());
        return p;
    }

    private static String runtimeVersion() {
        String v = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        return v == null ? "" : v;
    }
}
