package dev.hearth.runtime.cli;

import dev.hearth.runtime.onnx.DenseOnnxExporter;
import dev.hearth.runtime.onnx.OnnxGraph;
import dev.hearth.runtime.onnx.OnnxModelInfo;
import dev.hearth.runtime.onnx.OnnxPredictor;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Sha256;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import dev.hearth.store.cli.ModelsCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code models import --framework onnx --file F --name NAME}: reads the graph (inputs, outputs, producer, opset),
 * builds the signature from it and the given labels and normaliser, runs it once on a probe batch in ONNX Runtime
 * and publishes it through the store's atomic publish, with the source file's SHA-256 in the provenance. Any
 * failure publishes nothing.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a model trained elsewhere (ONNX) as a new version: graph -> signature, probe run, publish.")
final class ImportCommand implements Callable<Integer> {
    /** Largest model file read. */
    static final long MAX_FILE_BYTES = 1L << 30;

    @ParentCommand
    ModelsCommand parent;

    @Option(names = "--framework", required = true, description = "framework of the file: onnx")
    String framework;

    @Option(names = "--file", required = true, paramLabel = "F", description = "the model file")
    Path file;

    @Option(names = "--name", required = true, description = "model name in the store")
    String name;

    @ArgGroup(exclusive = true)
    Labels labels;

    static final class Labels {
        @Option(names = "--labels", split = ",", paramLabel = "a,b,c",
                description = "class names of the classification output's last axis, in order (default: those a "
                        + "file Hearth exported carries, else none)")
        List<String> inline;

        @Option(names = "--labels-file", paramLabel = "F", description = "class names, one per line")
        Path file;
    }

    @Option(names = "--labels-output", paramLabel = "OUTPUT",
            description = "the output the labels name (needed when the graph has several outputs)")
    String labelsOutput;

    @Option(names = "--normalizer", defaultValue = "none", description = "applied to the single FP32 [d, n] input "
            + "before the graph: none, minmax:LO:HI[,LO:HI...] or standardize:MEAN:STD[,...] (default: ${DEFAULT-VALUE})")
    String normalizer;

    @Override
    public Integer call() throws IOException {
        if (!ModelFiles.ONNX.equalsIgnoreCase(framework)) {
            throw new IllegalArgumentException("--framework must be one of [onnx] but was '" + framework + "'");
        }
        ModelNames.validate("model name", name);
        byte[] bytes = read(file);
        String what = file.getFileName().toString();
        OnnxGraph graph = OnnxGraph.inspect(bytes, what);
        Signature signature = signature(graph);
        try (OnnxPredictor probe = OnnxPredictor.open(bytes, signature, 1, what)) {
            // Opened and probed: the graph runs here as the server will run it.
        }
        ModelDraft draft = new ModelDraft(ModelFiles.ONNX, signature, Map.of(), Map.of(),
                provenance(graph.info(), bytes), Map.of(), Map.of(ModelFiles.ONNX_FILE, out -> out.write(bytes)));
        ModelVersion v = parent.store().publish(name, draft);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", v.name());
        result.put("version", v.version());
        result.put("framework", ModelFiles.ONNX);
        result.put("inputs", signature.inputs());
        result.put("outputs", signature.outputs());
        result.put("task", signature.task());
        parent.print(result, "imported " + v.ref() + " (onnx, opset " + graph.info().opset() + ", producer "
                + graph.info().producerName() + " " + graph.info().producerVersion() + ")\n  inputs:  "
                + describe(signature.inputs()) + "\n  outputs: " + describe(signature.outputs())
                + (signature.isClassification() ? "\n  labels:  " + signature.labelNames() + " of "
                        + signature.labelsOutput() : "") + "\n");
        return 0;
    }

    private Signature signature(OnnxGraph graph) throws IOException {
        List<String> names = labels == null ? List.of() : labels.inline != null ? trimmed(labels.inline)
                : trimmed(Files.readAllLines(labels.file, StandardCharsets.UTF_8));
        String exported = graph.info().metadata().get(DenseOnnxExporter.LABELS_PROPERTY);
        if (labels == null && exported != null) {
            // A file Hearth exported carries its labels: it comes back as the classifier it was.
            names = trimmed(Arrays.asList(exported.split("\n")));
        }
        int features = -1;
        if (graph.inputs().size() == 1 && graph.inputs().get(0).shape().size() == 2) {
            features = graph.inputs().get(0).shape().get(1).intValue();
        }
        NormalizerSpec spec = NormalizerOption.parse(normalizer, features);
        return Signature.tensors(graph.inputs(), graph.outputs(), names, labelsOutput, spec, List.of());
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
            throw new IllegalArgumentException("--file " + file + " has " + size + " bytes; at most "
                    + MAX_FILE_BYTES + " are imported");
        }
        return Files.readAllBytes(file);
    }

    private Map<String, Object> provenance(OnnxModelInfo info, byte[] bytes) {
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

    private static String describe(List<TensorSpec> specs) {
        List<String> parts = new ArrayList<>();
        for (TensorSpec s : specs) {
            parts.add(s.name() + " " + s.datatype() + " " + Arrays.toString(s.shape().toArray()));
        }
        return String.join(", ", parts);
    }
}
