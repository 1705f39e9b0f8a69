package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an Open Inference Protocol v2 request with Jackson's streaming parser, straight into a {@link FeatureBuffer}
 * that grows as values arrive and never beyond {@code min(declared rows, server.max.rows) × features}; no part of
 * the body becomes a tree. A problem is noted and the rest of its field skipped; once the body is read, the first
 * problem in check order (id, inputs, name, datatype, shape, data, outputs) is reported, naming the field, the value
 * and the rule, whatever order the fields came in.
 */
final class StreamingRequestReader {
    private final Set<String> datatypes;
    private final int maxRows;

    StreamingRequestReader(Set<String> datatypes, int maxRows) {
        this.datatypes = datatypes;
        this.maxRows = maxRows;
    }

    /** Reads the request the parser is at; values are charged to {@code account} as they are stored. */
    InferenceRequest read(JsonParser p, Signature signature, RequestBytes account) throws IOException {
        JsonValues.startRequest(p);
        Request r = new Request(signature, account);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> readId(p, v, r);
                case "inputs" -> readInputs(p, v, r);
                case "outputs" -> readOutputs(p, v, r);
                default -> p.skipChildren();
            }
        }
        return r.validate();
    }

    /** What the request carried so far, and the first problem of each field. */
    private final class Request {
        final Signature signature;
        final int width;
        final FeatureBuffer values;
        String id;
        String idProblem;
        /** Tensors in 'inputs'; -1 when 'inputs' is absent or not an array. */
        int inputs = -1;

        boolean firstInputIsObject;
        String name;
        String datatype;
        String shapeText = "null";
        boolean shapeValid;
        int rows;
        int cols;
        boolean dataIsArray;
        long count;
        /** First problem in the data by position, per kind; the kind that counts depends on datatype and shape. */
        DataProblem nonNumber;

        DataProblem fractional;
        DataProblem nonFinite;
        String outputsProblem;
        final List<String> outputs = new ArrayList<>(2);

        Request(Signature signature, RequestBytes account) {
            this.signature = signature;
            this.width = signature.featureCount();
            // Until a shape is read, no request can carry more than the row limit.
            this.values = new FeatureBuffer(account, width, (long) maxRows * width);
        }

        InferenceRequest validate() {
            if (idProblem != null) {
                throw new BadRequestException(idProblem);
            }
            if (inputs <= 0) {
                throw new BadRequestException("'inputs' must be a non-empty array of tensors");
            }
            if (inputs != 1) {
                throw new BadRequestException(
                        "'inputs' has " + inputs + " tensors but the model takes 1 ('" + signature.inputName() + "')");
            }
            if (!firstInputIsObject) {
                throw new BadRequestException("inputs[0] must be an object with name, datatype, shape and data");
            }
            if (name == null) {
                throw new BadRequestException("inputs[0].name must be a string");
            }
            if (!name.equals(signature.inputName())) {
                throw new BadRequestException("inputs[0].name is '" + JsonValues.abbreviate(name)
                        + "' but the model's input is '" + signature.inputName() + "'");
            }
            if (datatype == null) {
                throw new BadRequestException("inputs[0].datatype must be a string");
            }
            if (!datatypes.contains(datatype)) {
                throw new BadRequestException("inputs[0].datatype must be a numeric type " + datatypes + " but was '"
                        + JsonValues.abbreviate(datatype) + "'");
            }
            checkShape();
            if (!dataIsArray) {
                throw new BadRequestException("inputs[0].data must be an array of numbers");
            }
            long expected = (long) rows * width;
            DataProblem first = nonNumber;
            if (datatype.startsWith("INT")) {
                first = DataProblem.earlier(first, fractional);
            }
            if (nonFinite != null && nonFinite.index < expected) {
                first = DataProblem.earlier(first, nonFinite);
            }
            if (first != null) {
                throw new BadRequestException(first.message);
            }
            if (count != expected) {
                throw new BadRequestException("inputs[0].data has " + count + " values but shape needs " + expected);
            }
            if (outputsProblem != null) {
                throw new BadRequestException(outputsProblem);
            }
            return new InferenceRequest(id, name, rows, values.toArray(), List.copyOf(outputs));
        }

        private void checkShape() {
            if (!shapeValid) {
                throw new BadRequestException("inputs[0].shape must be [rows, " + width + "] but was " + shapeText);
            }
            if (rows < 1) {
                throw new BadRequestException("inputs[0].shape[0] (rows) must be >= 1 but was " + rows);
            }
            if (rows > maxRows) {
                throw new BadRequestException("inputs[0].shape[0] (rows) is " + rows
                        + " but the server accepts at most " + maxRows + " (server.max.rows)");
            }
            if (cols != width) {
                throw new BadRequestException(
                        "inputs[0].shape[1] is " + cols + " but the model takes " + width + " features");
            }
        }
    }

    /** A problem at one data value: its place in the walk (to find the first one) and its message. */
    private record DataProblem(long seq, long index, String message) {
        static DataProblem earlier(DataProblem a, DataProblem b) {
            if (a == null) {
                return b;
            }
            return b == null || a.seq <= b.seq ? a : b;
        }
    }

    private static void readId(JsonParser p, JsonToken v, Request r) throws IOException {
        r.id = null;
        r.idProblem = null;
        if (v == JsonToken.VALUE_STRING) {
            r.id = p.getText();
        } else if (v != JsonToken.VALUE_NULL) {
            r.idProblem = "'id' must be a string but was " + JsonValues.render(p, v);
        }
    }

    private void readInputs(JsonParser p, JsonToken v, Request r) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        int n = 0;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (n == 0 && e == JsonToken.START_OBJECT) {
                r.firstInputIsObject = true;
                readTensor(p, r);
            } else {
                // Only one tensor is ever valid: the others are counted for the message, not read.
                p.skipChildren();
            }
            n++;
        }
        r.inputs = n;
    }

    private void readTensor(JsonParser p, Request r) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "name" -> r.name = text(p, v);
                case "datatype" -> r.datatype = text(p, v);
                case "shape" -> readShape(p, v, r);
                case "data" -> readData(p, v, r);
                default -> p.skipChildren();
            }
        }
    }

    /** The string the parser is at, or null (value skipped) when it is another type. */
    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /**
     * Reads the shape as it streams (a hostile shape can be long) and, when it is valid and within the row limit,
     * caps the data at exactly the values it declares; a shape over the limit caps it at nothing.
     */
    private void readShape(JsonParser p, JsonToken v, Request r) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            r.shapeText = JsonValues.render(p, v);
            r.shapeValid = false;
            return;
        }
        StringBuilder text = new StringBuilder("[");
        int n = 0;
        boolean ints = true;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            String item;
            if (e == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                if (n == 0) {
                    r.rows = p.getIntValue();
                } else if (n == 1) {
                    r.cols = p.getIntValue();
                }
                item = p.getText();
            } else {
                ints = false;
                item = JsonValues.render(p, e);
            }
            if (n < 4) {
                text.append(n == 0 ? "" : ",").append(item);
            } else if (n == 4) {
                text.append(",...");
            }
            n++;
        }
        r.shapeText = text.append(']').toString();
        r.shapeValid = ints && n == 2;
        boolean usable = r.shapeValid && r.rows >= 1 && r.rows <= maxRows && r.cols == r.width;
        r.values.cap(usable ? (long) r.rows * r.width : 0);
    }

    /** Flattens the (possibly nested) data array into the buffer, noting the first problem of each kind. */
    private static void readData(JsonParser p, JsonToken v, Request r) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            r.dataIsArray = false;
            p.skipChildren();
            return;
        }
        r.dataIsArray = true;
        FeatureBuffer values = r.values;
        long n = 0;
        long seq = 0;
        NestedArrayScalars scalars = new NestedArrayScalars(p);
        for (JsonToken t = scalars.next(); t != null; t = scalars.next()) {
            seq++;
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                if (r.nonNumber == null) {
                    r.nonNumber = new DataProblem(
                            seq, n, "inputs[0].data[" + n + "] must be a number but was " + JsonValues.render(p, t));
                } else {
                    p.skipChildren();
                }
                continue;
            }
            float f = JsonValues.number(p, t);
            if (t == JsonToken.VALUE_NUMBER_FLOAT && r.fractional == null) {
                r.fractional = new DataProblem(
                        seq,
                        n,
                        "inputs[0].data[" + n + "] must be an integer for an INT datatype but was "
                                + JsonValues.abbreviate(p.getText()));
            }
            if (!Float.isFinite(f) && r.nonFinite == null) {
                r.nonFinite = new DataProblem(
                        seq,
                        n,
                        "inputs[0].data[" + n + "] must be finite but was " + JsonValues.abbreviate(p.getText()));
            }
            values.add(f);
            n++;
        }
        r.count = n;
    }

    private static void readOutputs(JsonParser p, JsonToken v, Request r) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            r.outputsProblem = "'outputs' must be an array of {\"name\": ...} objects";
            p.skipChildren();
            return;
        }
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            String name = JsonValues.outputName(p, e);
            if (r.outputsProblem != null) {
                continue;
            }
            if (name == null) {
                r.outputsProblem = "outputs[].name must be a string";
            } else if (!InferenceRequestParser.outputNames(r.signature).contains(name)) {
                r.outputsProblem = "outputs[].name '" + JsonValues.abbreviate(name) + "' is not an output of the model"
                        + " (has '" + String.join("', '", InferenceRequestParser.outputNames(r.signature)) + "')";
            } else if (!r.outputs.contains(name)) {
                r.outputs.add(name);
            }
        }
    }
}
