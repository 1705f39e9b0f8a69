package dev.hearth.runtime.cli;

import dev.hearth.runtime.onnx.OnnxExport;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.cli.ModelsCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code models export REF --format onnx --output F}: writes a stored version as an ONNX file. A DL4J dense network
 * is converted ({@link DenseOnnxExporter}, checked against DL4J on probe rows first); an ONNX version is written
 * as stored. The file appears whole or not at all (written beside the target, then moved).
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a stored version (REF: name, name/N, name@alias) as an ONNX file.")
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(paramLabel = "REF", description = "model reference: name (latest), name/N or name@alias")
    String ref;

    @Option(names = "--format", required = true, description = "output format: onnx")
    String format;

    @Option(names = "--output", required = true, paramLabel = "F", description = "the file to write")
    Path output;

    @Option(names = "--force", description = "replace an existing output file")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (!"onnx".equalsIgnoreCase(format)) {
            throw new IllegalArgumentException("--format must be one of [onnx] but was '" + format + "'");
        }
        if (Files.exists(output) && !force) {
            throw new IllegalArgumentException("--output " + output + " exists; pass --force to replace it");
        }
        ModelStore store = parent.store();
        ModelVersion v = store.resolve(ModelRef.parse(ref));
        byte[] onnx = OnnxExport.bytes(store, v);
        Path target = output.toAbsolutePath();
        Path parentDir = target.getParent();
        Files.createDirectories(parentDir);
        Path temp = Files.createTempFile(parentDir, "." + target.getFileName(), ".part");
        try {
            Files.write(temp, onnx);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        parent.print(
                Map.of("ref", v.ref().toString(), "output", target.toString(), "bytes", onnx.length),
                "exported " + v.ref() + " to " + target + " (" + onnx.length + " bytes, onnx)\n");
        return 0;
    }
}
