package dev.hearth.runtime.cli;

import dev.hearth.runtime.onnx.OnnxImport;
import dev.hearth.runtime.onnx.OnnxModelInfo;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
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
 * {@code models import --framework onnx --file F --name NAME}: the arguments turned into {@link OnnxImport}'s
 * options (which reads, checks, probes and publishes the graph), and what it published printed.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description =
                "Import a model trained elsewhere (ONNX) as a new version: graph -> signature, probe run, publish.")
final class ImportCommand implements Callable<Integer> {
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
        @Option(
                names = "--labels",
                split = ",",
                paramLabel = "a,b,c",
                description = "class names of the classification output's last axis, in order (default: those a "
                        + "file Hearth exported carries, else none)")
        List<String> inline;

        @Option(names = "--labels-file", paramLabel = "F", description = "class names, one per line")
        Path file;
    }

    @Option(
            names = "--labels-output",
            paramLabel = "OUTPUT",
            description = "the output the labels name (needed when the graph has several outputs)")
    String labelsOutput;

    @Option(
            names = "--normalizer",
            defaultValue = "none",
            description =
                    "applied to the single FP32 [d, n] input "
                            + "before the graph: none, minmax:LO:HI[,LO:HI...] or standardize:MEAN:STD[,...] (default: ${DEFAULT-VALUE})")
    String normalizer;

    @Override
    public Integer call() throws IOException {
        if (!ModelFiles.ONNX.equalsIgnoreCase(framework)) {
            throw new IllegalArgumentException("--framework must be one of [onnx] but was '" + framework + "'");
        }
        List<String> names = labels == null
                ? null
                : labels.inline != null ? labels.inline : Files.readAllLines(labels.file, StandardCharsets.UTF_8);
        OnnxImport.Options options =
                new OnnxImport.Options(names, labelsOutput, features -> NormalizerOption.parse(normalizer, features));
        OnnxImport.Result imported = OnnxImport.importFile(parent.store(), name, file, options);
        ModelVersion v = imported.version();
        Signature signature = imported.signature();
        OnnxModelInfo info = imported.info();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", v.name());
        result.put("version", v.version());
        result.put("framework", ModelFiles.ONNX);
        result.put("inputs", signature.inputs());
        result.put("outputs", signature.outputs());
        result.put("task", signature.task());
        parent.print(
                result,
                "imported " + v.ref() + " (onnx, opset " + info.opset() + ", producer "
                        + info.producerName() + " " + info.producerVersion() + ")\n  inputs:  "
                        + describe(signature.inputs()) + "\n  outputs: " + describe(signature.outputs())
                        + (signature.isClassification()
                                ? "\n  labels:  " + signature.labelNames() + " of " + signature.labelsOutput()
                                : "")
                        + "\n");
        return 0;
    }

    private static String describe(List<TensorSpec> specs) {
        List<String> parts = new ArrayList<>();
        for (TensorSpec s : specs) {
            parts.add(s.name() + " " + s.datatype() + " "
                    + Arrays.toString(s.shape().toArray()));
        }
        return String.join(", ", parts);
    }
}
