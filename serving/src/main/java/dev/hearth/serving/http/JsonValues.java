package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Reading numbers and quoting values for error messages while streaming, without materialising large values. */
final class JsonValues {
    private static final int SHOWN_CHARS = 80;

    private JsonValues() {}

    /** The number the parser is at (an int or float token) as a float, as Jackson's tree would convert it. */
    static float number(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.INT) {
                return p.getIntValue();
            }
            if (type == JsonParser.NumberType.LONG) {
                return p.getLongValue();
            }
        }
        return (float) p.getDoubleValue();
    }

    /**
     * The value the parser is at, for an error message: scalars as JSON text (at most 80 characters), objects and
     * arrays as {@code {...}} and {@code [...]}, whose content is skipped.
     */
    static String render(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            p.skipChildren();
            return "{...}";
        }
        if (t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return "[...]";
        }
        if (t == JsonToken.VALUE_STRING) {
            return "\"" + abbreviate(p.getText()) + "\"";
        }
        return abbreviate(p.getText());
    }

    static String abbreviate(String s) {
        return s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "..." : s;
    }

    /** Moves {@code p} onto the request body's root object: an empty body or any other JSON value is a 400. */
    static void startRequest(JsonParser p) throws IOException {
        JsonToken root = p.nextToken();
        if (root == null) {
            throw new BadRequestException("request body is empty; expected a JSON object with an 'inputs' array");
        }
        if (root != JsonToken.START_OBJECT) {
            throw new BadRequestException("request body must be a JSON object with an 'inputs' array");
        }
    }

    /**
     * The {@code name} of one {@code outputs[]} element {@code e} ({@code {"name": "probabilities"}}), read to its
     * end: null when the element is not an object or its last {@code name} is not a string; other fields are skipped.
     */
    static String outputName(JsonParser p, JsonToken e) throws IOException {
        if (e != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String name = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("name") && value == JsonToken.VALUE_STRING) {
                name = p.getText();
            } else {
                if (field.equals("name")) {
                    name = null;
                }
                p.skipChildren();
            }
        }
        return name;
    }
}
