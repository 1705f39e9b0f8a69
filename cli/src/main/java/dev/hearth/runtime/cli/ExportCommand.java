package dev.hearth.runtime.cli;

import dev.hearth.runtime.onnx.DenseOnnxExporter;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.ModelZipGuard;
import dev.hearth.store.cli.ModelsCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code models export REF --format onnx --output F}: writes a stored version as an ONNX file. A DL4J dense network
 * is converted ({@link DenseOnnxExporter}, checked against DL4J on probe rows first); an ONNX version is written
 * as stored. The file appears whole or not at all (written beside the target, then moved).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
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
        String framework = v.metadata().framework();
        byte[] onnx;
        if (ModelFiles.ONNX.equals(framework)) {
            onnx = store.readFile(v, ModelFiles.ONNX_FILE);
        } else if (ModelFiles.DL4J_MULTILAYER.equals(framework)) {
            onnx = convert(store, v);
        } else {
            throw new IllegalArgumentException(v.ref() + " has framework '" + framework + "'; only "
                    + ModelFiles.DL4J_MULTILAYER + " and " + ModelFiles.ONNX + " versions can be exported");
        }
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
        parent.print(Map.of("ref", v.ref().toString(), "output", target.toString(), "bytes", onnx.length),
                "exported " + v.ref() + " to " + target + " (" + onnx.length + " bytes, onnx)\n");
        return 0;
    }

    private static byte[] convert(ModelStore store, ModelVersion v) {
        byte[] zip = store.readFile(v, ModelFiles.MODEL_FILE);
        MultiLayerNetwork network;
        try {
            network = ModelSerializer.restoreMultiLayerNetwork(
                    ModelZipGuard.MODEL.open(zip, ModelFiles.MODEL_FILE + " of " + v.ref()), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelRefusedException("cannot restore " + v.ref() + ": " + e.getMessage(), e);
        }
        try {
            return DenseOnnxExporter.export(network, v.metadata().signature(), v.ref().toString(), v.version());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        } finally {
            network.close();
        }
    }
}
