package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hearth.runtime.Tensor;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link TensorRequest} needs computed, and its Open Inference Protocol v2 answer: every
 * requested output tensor with its datatype, shape and data, and for a classifier the derived {@code label} output
 * (the label of the largest value along the last axis of the labelled output, per item of the first axis).
 */
final class TensorResponses {
    private TensorResponses() {}

    /** The model's outputs a request needs computed: those it asks for, and the labelled one for {@code label}. */
    static Set<String> toRun(Signature s, TensorRequest request) {
        Set<String> run = tensors(s, request.outputs());
        if (wantsLabel(s, request.outputs())) {
            run.add(s.labelsOutput());
        }
        return run;
    }

    private static boolean wantsLabel(Signature s, List<String> asked) {
        return s.isClassification() && (asked.isEmpty() || asked.contains(Signature.LABEL));
    }

    private static Set<String> tensors(Signature s, List<String> asked) {
        Set<String> tensors = new LinkedHashSet<>();
        for (TensorSpec out : s.outputs()) {
            if (asked.isEmpty() || asked.contains(out.name())) {
                tensors.add(out.name());
            }
        }
        return tensors;
    }

    /** The JSON answer to {@code request} from {@code out}, the outputs {@link #toRun} named. */
    static byte[] encode(JsonFactory json, LoadedModel model, TensorRequest request, Map<String, Tensor> out)
            throws IOException {
        Signature s = model.signature();
        Set<String> tensors = tensors(s, request.outputs());
        boolean label = wantsLabel(s, request.outputs());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(bytes)) {
            startV2(g, model, request.id());
            for (String name : tensors) {
                write(g, out.get(name));
            }
            if (label) {
                writeLabels(g, out.get(s.labelsOutput()), s.labelNames());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** {@code [name DATATYPE [shape], ...]} for error messages. */
    static String describe(List<TensorSpec> specs) {
        return specs.stream()
                .map(t -> t.name() + " " + t.datatype() + " " + t.shape())
                .toList()
                .toString();
    }

    private static void write(JsonGenerator g, Tensor t) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", t.name());
        g.writeStringField("datatype", t.type().name());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data");
        Buffer b = t.data();
        int from = b.position();
        int to = b.limit();
        switch (t.type()) {
            case FP32 -> {
                FloatBuffer f = (FloatBuffer) b;
                for (int i = from; i < to; i++) {
                    g.writeNumber(f.get(i));
                }
            }
            case FP64 -> {
                DoubleBuffer d = (DoubleBuffer) b;
                for (int i = from; i < to; i++) {
                    g.writeNumber(d.get(i));
                }
            }
            case INT32 -> {
                IntBuffer n = (IntBuffer) b;
                for (int i = from; i < to; i++) {
                    g.writeNumber(n.get(i));
                }
            }
            case INT64 -> {
                LongBuffer n = (LongBuffer) b;
                for (int i = from; i < to; i++) {
                    g.writeNumber(n.get(i));
                }
            }
            default -> throw new IllegalStateException(t.type().name());
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The {@code label} output: per item of the first axis, the label of the largest value (first on ties). */
    private static void writeLabels(JsonGenerator g, Tensor scores, List<String> labels) throws IOException {
        long[] shape = scores.shape();
        int classes = (int) shape[shape.length - 1];
        int items = classes == 0 ? 0 : (int) (scores.elementCount() / classes);
        g.writeStartObject();
        g.writeStringField("name", Signature.LABEL);
        g.writeStringField("datatype", "BYTES");
        g.writeArrayFieldStart("shape");
        for (int i = 0; i < shape.length - 1; i++) {
            g.writeNumber(shape[i]);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data");
        Buffer b = scores.data();
        for (int r = 0; r < items; r++) {
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                int i = b.position() + r * classes + c;
                double v = switch (scores.type()) {
                    case FP32 -> ((FloatBuffer) b).get(i);
                    case FP64 -> ((DoubleBuffer) b).get(i);
                    case INT32 -> ((IntBuffer) b).get(i);
                    case INT64 -> ((LongBuffer) b).get(i);
                };
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            g.writeString(best < labels.size() ? labels.get(best) : Integer.toString(best));
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Opens an OIP v2 response up to its {@code outputs} array (rows and tensor responses alike). */
    static void startV2(JsonGenerator g, LoadedModel model, String id) throws IOException {
        g.writeStartObject();
        g.writeStringField("model_name", model.version().name());
        g.writeStringField("model_version", Integer.toString(model.version().version()));
        if (id != null) {
            g.writeStringField("id", id);
        }
        g.writeArrayFieldStart("outputs");
    }
}
