package dev.hearth.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.runtime.onnx.OnnxExport;
import dev.hearth.runtime.onnx.OnnxImport;
import dev.hearth.runtime.onnx.ThirdPartyFiles;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * ONNX files PyTorch wrote (model-runtime's {@link ThirdPartyFiles}, made once per test JVM by
 * {@code make_models.py}) as OIP v2 requests, and the library calls of
 * {@code hearth models import|export|alias set} (model-runtime, model-store) to store them.
 */
public final class PytorchFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PytorchFiles() {}

    /** The directory holding mlp, cnn and two_input (.onnx and .json with PyTorch's rows and outputs). */
    public static Path dir() throws IOException, InterruptedException {
        return ThirdPartyFiles.dir();
    }

    /** The rows ({@code "inputs"}) and PyTorch's outputs ({@code "outputs"}) written beside {@code model}. */
    public static JsonNode rows(String model) throws IOException, InterruptedException {
        return JSON.readTree(dir().resolve(model + ".json").toFile());
    }

    /**
     * Imports an ONNX file as {@code name} through the library call {@code hearth models import} makes
     * ({@link OnnxImport}); {@code labels} empty: none given (a file Hearth exported brings its own).
     */
    public static ModelVersion importOnnx(Path store, Path file, String name, String... labels) throws IOException {
        OnnxImport.Options options =
                labels.length == 0 ? OnnxImport.Options.none() : OnnxImport.Options.labels(List.of(labels));
        return OnnxImport.importFile(open(store), name, file, options).version();
    }

    /** Points {@code alias} at {@code version} from wherever it points now ({@code hearth models alias set}). */
    public static void setAlias(Path store, String name, String alias, int version) {
        ModelStore s = open(store);
        s.setAlias(name, alias, version, s.aliases(name).get(alias), null);
    }

    /** Writes {@code ref} as an ONNX file ({@code hearth models export}'s library call, {@link OnnxExport}). */
    public static void exportOnnx(Path store, String ref, Path output) throws IOException {
        ModelStore s = open(store);
        Files.write(output, OnnxExport.bytes(s, s.resolve(ModelRef.parse(ref))));
    }

    private static ModelStore open(Path store) {
        return HadoopModelStore.open(store.toString(), new Configuration());
    }

    /** An OIP v2 input tensor from a {@code {shape, dtype, data}} entry of a rows file. */
    public static String input(String name, JsonNode t) {
        String datatype = switch (t.get("dtype").asText()) {
            case "float32" -> "FP32";
            case "float64" -> "FP64";
            case "int32" -> "INT32";
            case "int64" -> "INT64";
            default -> throw new IllegalArgumentException(t.get("dtype").asText());
        };
        return "{\"name\":\"" + name + "\",\"datatype\":\"" + datatype + "\",\"shape\":" + t.get("shape") + ",\"data\":"
                + t.get("data") + "}";
    }
}
