package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.runtime.cli.ModelsMain;
import dev.hearth.runtime.onnx.ThirdPartyFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * ONNX files PyTorch wrote (model-runtime's {@link ThirdPartyFiles}, made once per test JVM by
 * {@code make_models.py}) as OIP v2 requests, and the real {@code hearth models} command to import them.
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

    /** Runs {@code hearth models ARGS --store STORE}; fails the test unless it exits 0. Returns its output. */
    public static String models(Path store, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ModelsMain.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--store";
        all[args.length + 1] = store.toString();
        assertThat(cl.execute(all)).as("hearth models %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
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
        return "{\"name\":\"" + name + "\",\"datatype\":\"" + datatype + "\",\"shape\":" + t.get("shape")
                + ",\"data\":" + t.get("data") + "}";
    }
}
