package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;

/**
 * The hot path of {@link InferenceRequestParser}: reads an Open Inference Protocol v2 request with Jackson's
 * streaming parser, straight into a {@code float[]}, without building a tree of the (often thousands of) data
 * values. It only accepts requests that are entirely valid; for anything else it returns null, and the
 * tree-based parser then produces the error, so error messages and their precedence stay in one place.
 */
final class StreamingRequestReader {
    private final ObjectMapper mapper;
    private final JsonFactory factory;
    private final Set<String> datatypes;

    StreamingRequestReader(ObjectMapper mapper, Set<String> datatypes) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
        this.datatypes = datatypes;
    }

    /** What a well-formed request carried; {@code outputs} is validated by the caller. */
    record Read(String id, String name, int rows, float[] data, JsonNode outputs) {}

    /** The request's parts, or null when the body is not an entirely valid request for {@code signature}. */
    Read read(byte[] body, Signature signature, int maxRows) {
        try (JsonParser p = factory.createParser(body)) {
            p.enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
            return readRoot(p, signature, maxRows);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Read readRoot(JsonParser p, Signature signature, int maxRows) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String id = null;
        Tensor tensor = null;
        JsonNode outputs = null;
        int tensors = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        id = p.getText();
                    } else if (v == JsonToken.VALUE_NULL) {
                        id = null;
                    } else {
                        return null;
                    }
                }
                case "inputs" -> {
                    if (v != JsonToken.START_ARRAY) {
                        return null;
                    }
                    tensors = 0;
                    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                        if (tensors++ > 0 || e != JsonToken.START_OBJECT) {
                            return null;
                        }
                        tensor = readTensor(p, signature);
                        if (tensor == null) {
                            return null;
                        }
                    }
                }
                case "outputs" -> outputs = mapper.readTree(p);
                default -> p.skipChildren();
            }
        }
        if (tensors != 1 || tensor == null || tensor.name == null || !tensor.name.equals(signature.inputName())
                || tensor.datatype == null || !datatypes.contains(tensor.datatype)) {
            return null;
        }
        int rows = rows(tensor.shape, signature.featureCount(), maxRows);
        if (rows < 0 || tensor.data == null || tensor.count != (long) rows * signature.featureCount()
                || (tensor.fractional && tensor.datatype.startsWith("INT"))) {
            return null;
        }
        float[] data = tensor.data.length == tensor.count ? tensor.data : Arrays.copyOf(tensor.data, tensor.count);
        return new Read(id, tensor.name, rows, data, outputs);
    }

    /** One input tensor's fields as read; null fields were absent or of the wrong JSON type. */
    private static final class Tensor {
        String name;
        String datatype;
        JsonNode shape;
        float[] data;
        int count;
        boolean fractional;
    }

    private Tensor readTensor(JsonParser p, Signature signature) throws IOException {
        Tensor tensor = new Tensor();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "name" -> tensor.name = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "datatype" -> tensor.datatype = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "shape" -> tensor.shape = mapper.readTree(p);
                case "data" -> {
                    if (v != JsonToken.START_ARRAY) {
                        return null;
                    }
                    tensor.data = new float[expected(tensor.shape, signature.featureCount())];
                    tensor.count = 0;
                    tensor.fractional = false;
                    if (!readData(p, tensor)) {
                        return null;
                    }
                }
                default -> p.skipChildren();
            }
        }
        return tensor;
    }

    /** Flattens the (possibly nested) data array the parser is at; false on a value that is not a finite number. */
    private static boolean readData(JsonParser p, Tensor tensor) throws IOException {
        int depth = 1;
        float[] data = tensor.data;
        int n = tensor.count;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            float f;
            if (t == JsonToken.VALUE_NUMBER_INT) {
                JsonParser.NumberType type = p.getNumberType();
                if (type == JsonParser.NumberType.INT) {
                    f = p.getIntValue();
                } else if (type == JsonParser.NumberType.LONG) {
                    f = p.getLongValue();
                } else {
                    return false;
                }
            } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                f = (float) p.getDoubleValue();
                tensor.fractional = true;
                if (!Float.isFinite(f)) {
                    return false;
                }
            } else if (t == JsonToken.START_ARRAY) {
                depth++;
                continue;
            } else if (t == JsonToken.END_ARRAY) {
                depth--;
                continue;
            } else {
                return false;
            }
            if (n == data.length) {
                data = Arrays.copyOf(data, Math.max(16, data.length * 2));
            }
            data[n++] = f;
        }
        tensor.data = data;
        tensor.count = n;
        return true;
    }

    /** The expected value count when the shape came first, else a guess for one row. */
    private static int expected(JsonNode shape, int featureCount) {
        if (shape != null && shape.isArray() && shape.size() == 2 && shape.get(0).canConvertToInt()) {
            int rows = shape.get(0).asInt();
            if (rows >= 1 && rows <= 1 << 16) {
                return rows * featureCount;
            }
        }
        return featureCount;
    }

    /** Rows of a valid {@code [rows, featureCount]} shape within the row limit, else -1. */
    private static int rows(JsonNode shape, int featureCount, int maxRows) {
        if (shape == null || !shape.isArray() || shape.size() != 2 || !shape.get(0).isIntegralNumber()
                || !shape.get(1).isIntegralNumber() || !shape.get(0).canConvertToInt()
                || !shape.get(1).canConvertToInt()) {
            return -1;
        }
        int rows = shape.get(0).asInt();
        int cols = shape.get(1).asInt();
        return rows >= 1 && rows <= maxRows && cols == featureCount ? rows : -1;
    }
}
