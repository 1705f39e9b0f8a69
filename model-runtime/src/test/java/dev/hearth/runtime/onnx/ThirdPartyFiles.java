package dev.hearth.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ONNX files written by PyTorch and onnx's helper: runs {@code src/test/python/make_models.py} with Debian's
 * {@code /usr/bin/python3} (python3-torch, python3-onnx; {@code bin/hearth test} installs them) into a directory,
 * once per test JVM, and reads the rows and PyTorch outputs it wrote beside each model.
 */
public final class ThirdPartyFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path made;

    private ThirdPartyFiles() {}

    /** The directory holding the made files (made on first call). */
    public static synchronized Path dir() throws IOException, InterruptedException {
        if (made != null) {
            return made;
        }
        Path root = Path.of(System.getProperty("hearth.root", ".."));
        Path module = root.resolve("model-runtime");
        Path out = Files.createTempDirectory("hearth-onnx-models");
        Path log = out.resolve("make_models.log");
        Process p = new ProcessBuilder(
                        "/usr/bin/python3",
                        module.resolve("src/test/python/make_models.py").toString(),
                        out.toString(),
                        module.resolve("src/test/resources/dev/hearth/runtime/onnx/iris.csv")
                                .toString(),
                        root.resolve("examples/data/mnist-10k.csv.gz").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            boolean done = p.waitFor(5, TimeUnit.MINUTES);
            assertThat(done).as("make_models.py finished within 5 minutes").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue())
                .as("make_models.py exit code; log: %s", Files.readString(log))
                .isZero();
        made = out;
        return out;
    }

    /** The file {@code name} of the made ones. */
    public static Path file(String name) throws IOException, InterruptedException {
        return dir().resolve(name);
    }

    /** The bytes of model {@code name}. */
    public static byte[] model(String name) throws IOException, InterruptedException {
        return Files.readAllBytes(file(name + ".onnx"));
    }

    /** Inputs ({@code "inputs"}) or PyTorch's outputs ({@code "outputs"}) written beside model {@code name}. */
    public static Map<String, Tensor> tensors(String name, String which) throws IOException, InterruptedException {
        JsonNode all = JSON.readTree(file(name + ".json").toFile()).get(which);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        all.fields().forEachRemaining(e -> tensors.put(e.getKey(), tensor(e.getKey(), e.getValue())));
        return tensors;
    }

    private static Tensor tensor(String name, JsonNode t) {
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.get("shape").get(i).asLong();
        }
        JsonNode data = t.get("data");
        int n = data.size();
        TensorType type;
        Buffer buffer;
        switch (t.get("dtype").asText()) {
            case "float32" -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) data.get(i).asDouble();
                }
                type = TensorType.FP32;
                buffer = FloatBuffer.wrap(v);
            }
            case "float64" -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data.get(i).asDouble();
                }
                type = TensorType.FP64;
                buffer = DoubleBuffer.wrap(v);
            }
            case "int32" -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data.get(i).asInt();
                }
                type = TensorType.INT32;
                buffer = IntBuffer.wrap(v);
            }
            case "int64" -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data.get(i).asLong();
                }
                type = TensorType.INT64;
                buffer = LongBuffer.wrap(v);
            }
            default -> throw new IllegalArgumentException("dtype " + t.get("dtype"));
        }
        return new Tensor(name, type, shape, buffer);
    }

    /** The elements of {@code t} as doubles. */
    static double[] values(Tensor t) {
        Buffer b = t.data().duplicate();
        double[] v = new double[b.remaining()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (t.type()) {
                case FP32 -> ((FloatBuffer) b).get(b.position() + i);
                case FP64 -> ((DoubleBuffer) b).get(b.position() + i);
                case INT32 -> ((IntBuffer) b).get(b.position() + i);
                case INT64 -> ((LongBuffer) b).get(b.position() + i);
            };
        }
        return v;
    }

    /** Largest absolute difference between two tensors' elements (shapes must agree). */
    static double maxDifference(Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as("shape of %s", actual.name()).containsExactly(expected.shape());
        double[] a = values(actual);
        double[] e = values(expected);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - e[i]));
        }
        return max;
    }
}
