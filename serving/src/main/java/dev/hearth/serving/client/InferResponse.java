package dev.hearth.serving.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A successful OIP v2 inference response.
 *
 * @param modelName the model that answered
 * @param modelVersion its version (a number as a string)
 * @param id the request's id, when it had one
 * @param outputs the output tensors, in the server's order
 * @param headers the HTTP headers (e.g. {@code Hearth-Replica} behind the fleet's balancer)
 */
public record InferResponse(
        String modelName, String modelVersion, String id, List<Output> outputs, HttpHeaders headers) {
    /** The output called {@code name} (Hearth's classifiers answer {@code label} and {@code probabilities}). */
    public Output output(String name) {
        return outputs.stream()
                .filter(o -> o.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException(
                        "no output '" + name + "' in the response of " + modelName + "/" + modelVersion + " (outputs: "
                                + outputs.stream().map(Output::name).toList() + ")"));
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    static InferResponse of(JsonNode body, HttpHeaders headers) {
        List<Output> outputs = new ArrayList<>();
        for (JsonNode o : body.path("outputs")) {
            List<Long> shape = new ArrayList<>();
            o.path("shape").forEach(d -> shape.add(d.asLong()));
            outputs.add(new Output(
                    o.path("name").asText(),
                    o.path("datatype").asText(),
                    shape.stream().mapToLong(Long::longValue).toArray(),
                    o.path("data")));
        }
        return new InferResponse(
                body.path("model_name").asText(null),
                body.path("model_version").asText(null),
                body.path("id").asText(null),
                List.copyOf(outputs),
                headers);
    }

    /**
     * One output tensor.
     *
     * @param name its name
     * @param datatype OIP v2 datatype, e.g. {@code FP32} or {@code BYTES}
     * @param shape its dimensions
     * @param data the values as the server sent them
     */
    public record Output(String name, String datatype, long[] shape, JsonNode data) {
        /** The values as strings (BYTES outputs such as labels). */
        public List<String> strings() {
            List<String> out = new ArrayList<>();
            data.forEach(v -> out.add(v.asText()));
            return out;
        }

        /** The values as floats (FP32 outputs such as probabilities or regression values). */
        public float[] floats() {
            float[] out = new float[data.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) data.get(i).asDouble();
            }
            return out;
        }
    }
}
