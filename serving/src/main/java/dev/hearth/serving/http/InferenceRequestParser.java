package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates an Open Inference Protocol v2 inference request against a model's signature. Every
 * failure names the field, the value and the rule.
 */
public final class InferenceRequestParser {
    /** Output tensor names a model answers with. */
    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";

    private static final Set<String> DATATYPES = Set.of("FP32", "FP64", "INT32", "INT64", "FP16", "INT16", "INT8");

    private final ObjectMapper mapper;
    private final int maxRows;
    private final StreamingRequestReader streaming;

    /** @param maxRows most rows one request may carry */
    public InferenceRequestParser(ObjectMapper mapper, int maxRows) {
        this.mapper = mapper;
        this.maxRows = maxRows;
        this.streaming = new StreamingRequestReader(mapper, DATATYPES);
    }

    /** Parses {@code body} for a model with {@code signature}. */
    public InferenceRequest parse(byte[] body, Signature signature) {
        StreamingRequestReader.Read fast = streaming.read(body, signature, maxRows);
        if (fast != null) {
            return new InferenceRequest(fast.id(), fast.name(), fast.rows(), fast.data(), outputs(fast.outputs()));
        }
        // Not a valid request: the tree-based checks below find the first problem and name it.
        JsonNode root = object(body, "'inputs' array");
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull() && !idNode.isTextual()) {
            throw new BadRequestException("'id' must be a string but was " + idNode);
        }
        String id = idNode == null || idNode.isNull() ? null : idNode.asText();
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw new BadRequestException("'inputs' must be a non-empty array of tensors");
        }
        if (inputs.size() != 1) {
            throw new BadRequestException("'inputs' has " + inputs.size() + " tensors but the model takes 1 ('"
                    + signature.inputName() + "')");
        }
        JsonNode input = inputs.get(0);
        if (!input.isObject()) {
            throw new BadRequestException("inputs[0] must be an object with name, datatype, shape and data");
        }
        String name = text(input, "name", "inputs[0].name");
        if (!name.equals(signature.inputName())) {
            throw new BadRequestException("inputs[0].name is '" + name + "' but the model's input is '"
                    + signature.inputName() + "'");
        }
        String datatype = text(input, "datatype", "inputs[0].datatype");
        if (!DATATYPES.contains(datatype)) {
            throw new BadRequestException("inputs[0].datatype must be a numeric type " + DATATYPES + " but was '"
                    + datatype + "'");
        }
        int rows = rows(input.get("shape"), signature.featureCount());
        float[] data = data(input.get("data"), rows * signature.featureCount(), datatype);
        return new InferenceRequest(id, name, rows, data, outputs(root.get("outputs")));
    }

    /**
     * Parses a TF-Serving-style {@code {"instances": [[f0, f1, ...], ...]}} body (each instance one row of raw
     * features).
     */
    public InferenceRequest parseInstances(byte[] body, Signature signature) {
        JsonNode root = object(body, "'instances' array");
        JsonNode instances = root.get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) {
            throw new BadRequestException("'instances' must be a non-empty array of rows");
        }
        int rows = instances.size();
        checkRows(rows);
        int width = signature.featureCount();
        for (int r = 0; r < rows; r++) {
            JsonNode row = instances.get(r);
            if (!row.isArray() || row.size() != width) {
                throw new BadRequestException("instances[" + r + "] must be an array of " + width
                        + " numbers but was " + abbreviate(row));
            }
        }
        float[] data = data(instances, rows * width, "FP32");
        return new InferenceRequest(null, signature.inputName(), rows, data, List.of());
    }

    private void checkRows(int rows) {
        if (rows > maxRows) {
            throw new BadRequestException("request has " + rows + " rows but the server accepts at most " + maxRows
                    + " (server.max.rows)");
        }
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private JsonNode object(byte[] body, String what) {
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new BadRequestException("request body is empty; expected a JSON object with an " + what);
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("request body must be a JSON object with an " + what);
        }
        return root;
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isTextual()) {
            throw new BadRequestException(path + " must be a string");
        }
        return v.asText();
    }

    private int rows(JsonNode shape, int featureCount) {
        if (shape == null || !shape.isArray() || shape.size() != 2 || !shape.get(0).canConvertToInt()
                || !shape.get(1).canConvertToInt() || !shape.get(0).isIntegralNumber()
                || !shape.get(1).isIntegralNumber()) {
            throw new BadRequestException("inputs[0].shape must be [rows, " + featureCount + "] but was " + shape);
        }
        int rows = shape.get(0).asInt();
        int cols = shape.get(1).asInt();
        if (rows < 1) {
            throw new BadRequestException("inputs[0].shape[0] (rows) must be >= 1 but was " + rows);
        }
        checkRows(rows);
        if (cols != featureCount) {
            throw new BadRequestException("inputs[0].shape[1] is " + cols + " but the model takes " + featureCount
                    + " features");
        }
        return rows;
    }

    private static float[] data(JsonNode data, int expected, String datatype) {
        if (data == null || !data.isArray()) {
            throw new BadRequestException("inputs[0].data must be an array of numbers");
        }
        float[] out = new float[expected];
        int[] n = {0};
        flatten(data, out, n, expected, datatype.startsWith("INT"));
        if (n[0] != expected) {
            throw new BadRequestException("inputs[0].data has " + n[0] + " values but shape needs " + expected);
        }
        return out;
    }

    private static void flatten(JsonNode node, float[] out, int[] n, int expected, boolean integral) {
        for (JsonNode v : node) {
            if (v.isArray()) {
                flatten(v, out, n, expected, integral);
                continue;
            }
            if (!v.isNumber()) {
                throw new BadRequestException("inputs[0].data[" + n[0] + "] must be a number but was " + v);
            }
            if (integral && !v.isIntegralNumber()) {
                throw new BadRequestException("inputs[0].data[" + n[0] + "] must be an integer for an INT datatype"
                        + " but was " + v);
            }
            if (n[0] >= expected) {
                n[0]++;
                continue;
            }
            float f = v.floatValue();
            if (!Float.isFinite(f)) {
                throw new BadRequestException("inputs[0].data[" + n[0] + "] must be finite but was " + v);
            }
            out[n[0]++] = f;
        }
    }

    private static List<String> outputs(JsonNode outputs) {
        List<String> names = new ArrayList<>();
        if (outputs == null || outputs.isNull()) {
            return names;
        }
        if (!outputs.isArray()) {
            throw new BadRequestException("'outputs' must be an array of {\"name\": ...} objects");
        }
        for (JsonNode o : outputs) {
            String name = text(o, "name", "outputs[].name");
            if (!name.equals(PROBABILITIES) && !name.equals(LABEL)) {
                throw new BadRequestException("outputs[].name '" + name + "' is not an output of the model (has '"
                        + PROBABILITIES + "', '" + LABEL + "')");
            }
            names.add(name);
        }
        return names;
    }
}
