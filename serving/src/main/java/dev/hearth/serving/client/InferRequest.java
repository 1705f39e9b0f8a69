package dev.hearth.serving.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An OIP v2 inference request: an optional id and named FP32 input tensors. {@link #toJson()} is the exact body
 * {@link InferenceClient} posts (also for load generators such as wrk that need it as a file).
 *
 * @param id echoed by the server in its response; null for none
 * @param inputs at least one tensor
 */
public record InferRequest(String id, List<Tensor> inputs) {
    private static final JsonFactory JSON = new JsonFactory();

    /** Copies the inputs and checks there is one at least. */
    public InferRequest {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("an inference request needs at least one input tensor");
        }
    }

    /** Rows of features as the tensor {@code input} (the name Hearth's models use), {@code [rows, width]}. */
    public static InferRequest ofRows(String id, float[]... rows) {
        return new InferRequest(id, List.of(Tensor.ofRows("input", rows)));
    }

    /** One row of comma-separated numbers (a CSV line's features) as floats; names the bad value. */
    public static float[] csvRow(String csv) {
        String[] cells = csv.split(",");
        float[] out = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            try {
                out[i] = Float.parseFloat(cells[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("value " + i + " '" + cells[i] + "' of the row is not a number", e);
            }
        }
        return out;
    }

    /** The request body. Whole numbers are written without a fraction ({@code 255}, not {@code 255.0}). */
    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeArrayFieldStart("inputs");
            for (Tensor t : inputs) {
                g.writeStartObject();
                g.writeStringField("name", t.name());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeStringField("datatype", "FP32");
                g.writeArrayFieldStart("data");
                for (float v : t.data()) {
                    if (v == (int) v) {
                        g.writeNumber((int) v);
                    } else {
                        g.writeNumber(v);
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
