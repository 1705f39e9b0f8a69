package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an Open Inference Protocol v2 request for a model with named tensor inputs (FP32, FP64, INT32, INT64 as
 * the signature declares) with Jackson's streaming parser: every input tensor's values go straight into a
 * {@link TensorValues} charged to the request's account, capped at {@code server.max.rows} items of the input's
 * declared size (and at the declared shape once it is read), so no body is buffered whole and a declaration alone
 * allocates nothing. Problems are noted as they are met; once the body is read the first one in check order (id,
 * inputs in order: object, name, datatype, shape, data; missing inputs; outputs) is reported, naming the field,
 * the value and the rule.
 */
final class TensorRequestReader {
    /** Most axes a tensor may have. */
    static final int MAX_RANK = 8;
    /** Integers beyond this magnitude do not survive JSON's numbers (RFC 8259, section 6). */
    private static final double MAX_EXACT_INTEGER = 9_007_199_254_740_992d;

    private final int maxRows;

    TensorRequestReader(int maxRows) {
        this.maxRows = maxRows;
    }

    /** Reads the request the parser is at; values are charged to {@code account} as they are stored. */
    TensorRequest read(JsonParser p, Signature signature, RequestBytes account) throws IOException {
        JsonValues.startRequest(p);
        String id = null;
        String problem = null;
        List<Input> inputs = null;
        List<String> outputs = new ArrayList<>();
        String outputsProblem = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> {
                    id = null;
                    if (v == JsonToken.VALUE_STRING) {
                        id = p.getText();
                    } else if (v != JsonToken.VALUE_NULL && problem == null) {
                        problem = "'id' must be a string but was " + JsonValues.render(p, v);
                    }
                }
                case "inputs" -> inputs = readInputs(p, v, signature, account);
                case "outputs" -> outputsProblem = readOutputs(p, v, signature, outputs);
                default -> p.skipChildren();
            }
        }
        if (problem != null) {
            throw new BadRequestException(problem);
        }
        if (inputs == null || inputs.isEmpty()) {
            throw new BadRequestException(
                    "'inputs' must be a non-empty array of tensors; the model takes " + names(signature.inputs()));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i).validate(i, signature, account);
            if (tensors.put(t.name(), t) != null) {
                throw new BadRequestException(
                        "inputs[" + i + "].name '" + JsonValues.abbreviate(t.name()) + "' appears twice");
            }
        }
        for (TensorSpec spec : signature.inputs()) {
            if (!tensors.containsKey(spec.name())) {
                throw new BadRequestException(
                        "input '" + spec.name() + "' is missing; the model takes " + names(signature.inputs()));
            }
        }
        if (outputsProblem != null) {
            throw new BadRequestException(outputsProblem);
        }
        int rows = (int)
                Math.min(Integer.MAX_VALUE, tensors.values().iterator().next().shape()[0]);
        return new TensorRequest(id, tensors, rows, List.copyOf(outputs));
    }

    private List<Input> readInputs(JsonParser p, JsonToken v, Signature signature, RequestBytes account)
            throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        List<Input> inputs = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            Input in = new Input(maxItems(signature, null), account);
            inputs.add(in);
            if (inputs.size() > signature.inputs().size()) {
                // More tensors than the model takes: refused; the rest is counted, not read.
                in.notObject = "'inputs' has more tensors than the model takes " + names(signature.inputs());
                p.skipChildren();
                continue;
            }
            if (e != JsonToken.START_OBJECT) {
                in.notObject = "inputs[" + (inputs.size() - 1) + "] must be an object with name, datatype, shape and "
                        + "data but was " + JsonValues.render(p, e);
                continue;
            }
            in.read(p, signature);
        }
        return inputs;
    }

    /** Most values an input may carry: {@code server.max.rows} items of its declared size (unbounded if dynamic). */
    private long maxItems(Signature signature, TensorSpec spec) {
        long most = 0;
        for (TensorSpec s : spec == null ? signature.inputs() : List.of(spec)) {
            long item = 1;
            for (int i = 1; i < s.shape().size(); i++) {
                long d = s.shape().get(i);
                if (d < 0) {
                    return Long.MAX_VALUE;
                }
                item = Math.multiplyExact(item, d);
            }
            long batch = s.shape().get(0) < 0 ? maxRows : s.shape().get(0);
            most = Math.max(most, Math.multiplyExact(batch, item));
        }
        return most;
    }

    /** One entry of 'inputs' as read, with the first problem of each part. */
    private final class Input {
        final TensorValues values;
        String notObject;
        String name;
        String nameProblem;
        String datatype;
        String datatypeProblem;
        long[] shape;
        String shapeText = "null";
        boolean shapeValid;
        boolean dataIsArray;
        long count;
        /** First non-number, fractional, non-finite or inexact value, by position. */
        String nonNumber;

        long nonNumberAt = -1;
        String fractional;
        long fractionalAt = -1;
        String nonFinite;
        long nonFiniteAt = -1;
        String inexact;
        long inexactAt = -1;
        int index;

        Input(long cap, RequestBytes account) {
            this.values = new TensorValues(account, cap);
        }

        void read(JsonParser p, Signature signature) throws IOException {
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "name" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            name = p.getText();
                            TensorSpec spec = signature.input(name);
                            if (spec != null) {
                                values.cap(maxItems(signature, spec));
                            }
                        } else {
                            nameProblem = JsonValues.render(p, v);
                        }
                    }
                    case "datatype" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            datatype = p.getText();
                        } else {
                            datatypeProblem = JsonValues.render(p, v);
                        }
                    }
                    case "shape" -> readShape(p, v);
                    case "data" -> readData(p, v);
                    default -> p.skipChildren();
                }
            }
        }

        private void readShape(JsonParser p, JsonToken v) throws IOException {
            if (v != JsonToken.START_ARRAY) {
                shapeText = JsonValues.render(p, v);
                return;
            }
            List<Long> dims = new ArrayList<>();
            StringBuilder text = new StringBuilder("[");
            boolean ok = true;
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                String item;
                if (e == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                        && p.getLongValue() >= 0) {
                    item = p.getText();
                    if (dims.size() <= MAX_RANK) {
                        dims.add(p.getLongValue());
                    }
                } else {
                    ok = false;
                    item = JsonValues.render(p, e);
                }
                if (dims.size() <= MAX_RANK + 1) {
                    text.append(text.length() == 1 ? "" : ",").append(item);
                }
            }
            shapeText = text.append(']').toString();
            shapeValid = ok && !dims.isEmpty() && dims.size() <= MAX_RANK;
            if (shapeValid) {
                shape = dims.stream().mapToLong(Long::longValue).toArray();
                try {
                    values.cap(Tensor.elementCount(shape, "shape"));
                } catch (ArithmeticException overflow) {
                    shapeValid = false;
                }
            }
        }

        private void readData(JsonParser p, JsonToken v) throws IOException {
            if (v != JsonToken.START_ARRAY) {
                dataIsArray = false;
                p.skipChildren();
                return;
            }
            dataIsArray = true;
            long n = 0;
            NestedArrayScalars scalars = new NestedArrayScalars(p);
            for (JsonToken t = scalars.next(); t != null; t = scalars.next()) {
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                    if (nonNumber == null) {
                        nonNumberAt = n;
                        nonNumber = "must be a number but was " + JsonValues.render(p, t);
                    } else {
                        p.skipChildren();
                    }
                    n++;
                    continue;
                }
                double d = p.getDoubleValue();
                if (t == JsonToken.VALUE_NUMBER_FLOAT && fractional == null && d != Math.rint(d)) {
                    fractionalAt = n;
                    fractional = "must be an integer for an INT datatype but was " + JsonValues.abbreviate(p.getText());
                }
                if (!Double.isFinite(d) && nonFinite == null) {
                    nonFiniteAt = n;
                    nonFinite = "must be finite but was " + JsonValues.abbreviate(p.getText());
                }
                if (Math.abs(d) > MAX_EXACT_INTEGER && inexact == null) {
                    inexactAt = n;
                    inexact = "must be within ±2^53 for an INT datatype (JSON numbers beyond are not exact) but was "
                            + JsonValues.abbreviate(p.getText());
                }
                values.add(d);
                n++;
            }
            count = n;
        }

        /** The input as a tensor of its spec's datatype, or the first problem found. */
        Tensor validate(int i, Signature signature, RequestBytes account) {
            String at = "inputs[" + i + "]";
            if (notObject != null) {
                throw new BadRequestException(notObject);
            }
            if (name == null) {
                throw new BadRequestException(
                        at + ".name must be a string but was " + (nameProblem == null ? "absent" : nameProblem));
            }
            TensorSpec spec = signature.input(name);
            if (spec == null) {
                throw new BadRequestException(at + ".name '" + JsonValues.abbreviate(name)
                        + "' is not an input of the model; it takes " + names(signature.inputs()));
            }
            at = at + " ('" + spec.name() + "')";
            if (datatype == null) {
                throw new BadRequestException(at + ".datatype must be a string but was "
                        + (datatypeProblem == null ? "absent" : datatypeProblem));
            }
            if (!datatype.equals(spec.datatype())) {
                throw new BadRequestException(at + ".datatype must be " + spec.datatype() + " as the model declares"
                        + " but was '" + JsonValues.abbreviate(datatype) + "'");
            }
            checkShape(at, spec);
            if (!dataIsArray) {
                throw new BadRequestException(at + ".data must be an array of numbers");
            }
            long expected = Tensor.elementCount(shape, spec.name());
            TensorType type = TensorType.of(spec.datatype());
            boolean ints = type == TensorType.INT32 || type == TensorType.INT64;
            String first = firstOf(ints);
            if (first != null) {
                throw new BadRequestException(at + ".data[" + firstAt(ints) + "] " + first);
            }
            if (count != expected) {
                throw new BadRequestException(
                        at + ".data has " + count + " values but shape " + shapeText + " needs " + expected);
            }
            return tensor(at, spec, type, account);
        }

        private void checkShape(String at, TensorSpec spec) {
            List<Long> declared = spec.shape();
            if (!shapeValid || shape.length != declared.size()) {
                throw new BadRequestException(
                        at + ".shape must be " + declared + " (-1: any size >= 0) but was " + shapeText);
            }
            for (int d = 0; d < shape.length; d++) {
                if (declared.get(d) != -1L && declared.get(d) != shape[d]) {
                    throw new BadRequestException(at + ".shape[" + d + "] is " + shape[d] + " but the model takes "
                            + declared.get(d) + " (shape " + declared + ")");
                }
            }
            if (declared.get(0) == -1L && (shape[0] < 1 || shape[0] > maxRows)) {
                throw new BadRequestException(at + ".shape[0] (rows) is " + shape[0] + " but must be between 1 and "
                        + maxRows + " (server.max.rows)");
            }
        }

        private String firstOf(boolean ints) {
            long best = Long.MAX_VALUE;
            String msg = null;
            String[] problems = ints
                    ? new String[] {nonNumber, fractional, nonFinite, inexact}
                    : new String[] {nonNumber, nonFinite};
            long[] ats = ints
                    ? new long[] {nonNumberAt, fractionalAt, nonFiniteAt, inexactAt}
                    : new long[] {nonNumberAt, nonFiniteAt};
            for (int k = 0; k < problems.length; k++) {
                if (problems[k] != null && ats[k] < best) {
                    best = ats[k];
                    msg = problems[k];
                }
            }
            return msg;
        }

        private long firstAt(boolean ints) {
            long best = Long.MAX_VALUE;
            long[] ats = ints
                    ? new long[] {nonNumberAt, fractionalAt, nonFiniteAt, inexactAt}
                    : new long[] {nonNumberAt, nonFiniteAt};
            for (long a : ats) {
                if (a >= 0 && a < best) {
                    best = a;
                }
            }
            return best;
        }

        /** The typed copy of the values (charged), after which the doubles are given back. */
        private Tensor tensor(String at, TensorSpec spec, TensorType type, RequestBytes account) {
            int n = values.size();
            account.charge((long) type.bytes() * n);
            Buffer data;
            switch (type) {
                case FP32 -> {
                    float[] v = new float[n];
                    for (int k = 0; k < n; k++) {
                        v[k] = (float) values.get(k);
                        if (!Float.isFinite(v[k])) {
                            throw new BadRequestException(
                                    at + ".data[" + k + "] is beyond FP32's range: " + values.get(k));
                        }
                    }
                    data = FloatBuffer.wrap(v);
                }
                case FP64 -> {
                    double[] v = new double[n];
                    for (int k = 0; k < n; k++) {
                        v[k] = values.get(k);
                    }
                    data = DoubleBuffer.wrap(v);
                }
                case INT32 -> {
                    int[] v = new int[n];
                    for (int k = 0; k < n; k++) {
                        double d = values.get(k);
                        if (d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
                            throw new BadRequestException(at + ".data[" + k + "] is " + (long) d + " but INT32 holds "
                                    + Integer.MIN_VALUE + ".." + Integer.MAX_VALUE);
                        }
                        v[k] = (int) d;
                    }
                    data = IntBuffer.wrap(v);
                }
                case INT64 -> {
                    long[] v = new long[n];
                    for (int k = 0; k < n; k++) {
                        v[k] = (long) values.get(k);
                    }
                    data = LongBuffer.wrap(v);
                }
                default -> throw new IllegalStateException(type.name());
            }
            values.release();
            return new Tensor(spec.name(), type, shape.clone(), data);
        }
    }

    private static String readOutputs(JsonParser p, JsonToken v, Signature signature, List<String> outputs)
            throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return "'outputs' must be an array of {\"name\": ...} objects";
        }
        String problem = null;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            String name = JsonValues.outputName(p, e);
            if (problem != null) {
                continue;
            }
            if (name == null) {
                problem = "outputs[].name must be a string";
            } else if (!signature.outputNames().contains(name)) {
                problem = "outputs[].name '" + JsonValues.abbreviate(name) + "' is not an output of the model (has "
                        + signature.outputNames() + ")";
            } else if (!outputs.contains(name)) {
                outputs.add(name);
            }
        }
        return problem;
    }

    private static List<String> names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).toList();
    }
}
