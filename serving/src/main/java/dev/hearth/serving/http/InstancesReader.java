package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.util.List;

/**
 * Reads a TF-Serving-style {@code {"instances": [[f0, f1, ...], ...]}} body (each instance one row of raw features)
 * with Jackson's streaming parser, straight into a {@link FeatureBuffer}: at most {@code server.max.rows} rows of at
 * most the model's width are ever stored, and only as they arrive. Problems are reported once the body is read, row
 * count first, then the first malformed row, then the first bad value.
 */
final class InstancesReader {
    private final int maxRows;

    InstancesReader(int maxRows) {
        this.maxRows = maxRows;
    }

    /** Reads the request the parser is at; values are charged to {@code account} as they are stored. */
    InferenceRequest read(JsonParser p, Signature signature, RequestBytes account) throws IOException {
        JsonToken root = p.nextToken();
        if (root == null) {
            throw new BadRequestException("request body is empty; expected a JSON object with an 'instances' array");
        }
        if (root != JsonToken.START_OBJECT) {
            throw new BadRequestException("request body must be a JSON object with an 'instances' array");
        }
        int width = signature.featureCount();
        FeatureBuffer values = new FeatureBuffer(account, width, (long) maxRows * width);
        Rows rows = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("instances")) {
                rows = readRows(p, v, width, values);
            } else {
                p.skipChildren();
            }
        }
        if (rows == null || rows.count == 0) {
            throw new BadRequestException("'instances' must be a non-empty array of rows");
        }
        if (rows.count > maxRows) {
            throw new BadRequestException("'instances' has " + rows.count + " rows but the server accepts at most "
                    + maxRows + " (server.max.rows)");
        }
        if (rows.rowProblem != null) {
            throw new BadRequestException(rows.rowProblem);
        }
        if (rows.valueProblem != null) {
            throw new BadRequestException(rows.valueProblem);
        }
        return new InferenceRequest(null, signature.inputName(), (int) rows.count, values.toArray(), List.of());
    }

    /** The rows read: how many, the first malformed row and the first bad value. */
    private static final class Rows {
        long count;
        String rowProblem;
        String valueProblem;
    }

    /** The rows of the instances array, or null when 'instances' is not an array. */
    private Rows readRows(JsonParser p, JsonToken v, int width, FeatureBuffer values) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        Rows rows = new Rows();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            long r = rows.count++;
            if (e != JsonToken.START_ARRAY) {
                String was = JsonValues.render(p, e);
                if (rows.rowProblem == null) {
                    rows.rowProblem = "instances[" + r + "] must be an array of " + width + " numbers but was " + was;
                }
                continue;
            }
            // Past the row limit the request is refused: the rest is only counted for the message.
            boolean store = r < maxRows;
            int c = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    float f = JsonValues.number(p, t);
                    if (!Float.isFinite(f) && rows.valueProblem == null) {
                        rows.valueProblem = "instances[" + r + "][" + c + "] must be finite but was "
                                + JsonValues.abbreviate(p.getText());
                    }
                    if (store && c < width) {
                        values.add(f);
                    }
                } else {
                    String was = JsonValues.render(p, t);
                    if (rows.valueProblem == null) {
                        rows.valueProblem = "instances[" + r + "][" + c + "] must be a number but was " + was;
                    }
                }
                c++;
            }
            if (c != width && rows.rowProblem == null) {
                rows.rowProblem = "instances[" + r + "] must be an array of " + width + " numbers but had " + c;
            }
        }
        return rows;
    }
}
