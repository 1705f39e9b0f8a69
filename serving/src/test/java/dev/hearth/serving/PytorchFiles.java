package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.runtime.cli.ModelsMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * ONNX files PyTorch wrote: runs model-runtime's {@code src/test/python/make_models.py} with Debian's
 * {@code /usr/bin/python3} (python3-torch, python3-onnx; {@code bin/hearth test} installs them) once per test JVM,
 * and imports files into a store with the real {@code hearth models import} command.
 */
public final class PytorchFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path made;

    private PytorchFiles() {}

    /** The directory holding mlp, cnn and two_input (.onnx and .json with PyTorch's rows and outputs). */
    public static synchronized Path dir() throws IOException, InterruptedException {
        if (made != null) {
            return made;
        }
        Path root = Path.of(System.getProperty("hearth.root", ".."));
        Path module = root.resolve("model-runtime");
        Path out = Files.createTempDirectory("hearth-serving-onnx");
        Path log = out.resolve("make_models.log");
        Process p = new ProcessBuilder("/usr/bin/python3", module.resolve("src/test/python/make_models.py").toString(),
                out.toString(), module.resolve("src/test/resources/dev/hearth/runtime/onnx/iris.csv").toString(),
                root.resolve("examples/data/mnist-10k.csv.gz").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("make_models.py finished within 5 minutes").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("make_models.py exit code; log: %s", Files.readString(log)).isZero();
        made = out;
        return out;
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
