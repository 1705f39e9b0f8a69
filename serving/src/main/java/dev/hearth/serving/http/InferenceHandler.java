package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.serving.model.ModelRegistry;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** {@code POST /v2/models/{name}/infer}: class probabilities and predicted labels for rows of raw features. */
public final class InferenceHandler {
    private final ModelRegistry registry;
    private final InferenceRequestParser parser;
    private final JsonFactory json;

    public InferenceHandler(ModelRegistry registry, InferenceRequestParser parser, JsonFactory json) {
        this.registry = registry;
        this.parser = parser;
        this.json = json;
    }

    public void infer(Context ctx) throws IOException {
        LoadedModel model = registry.get(ctx.pathParam("name"));
        InferenceRequest request = parser.parse(ctx.bodyAsBytes(), model.signature());
        float[] probabilities = model.predict(request.features(), request.rows());
        ctx.contentType("application/json").result(encode(model, request, probabilities));
    }

    private byte[] encode(LoadedModel model, InferenceRequest request, float[] p) throws IOException {
        int classes = model.classes();
        List<String> labels = model.signature().labelNames();
        List<String> wanted = request.outputs();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + p.length * 12);
        try (JsonGenerator g = json.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model_name", model.version().name());
            g.writeStringField("model_version", Integer.toString(model.version().version()));
            if (request.id() != null) {
                g.writeStringField("id", request.id());
            }
            g.writeArrayFieldStart("outputs");
            if (wanted.isEmpty() || wanted.contains(InferenceRequestParser.PROBABILITIES)) {
                g.writeStartObject();
                g.writeStringField("name", InferenceRequestParser.PROBABILITIES);
                g.writeStringField("datatype", "FP32");
                g.writeArrayFieldStart("shape");
                g.writeNumber(request.rows());
                g.writeNumber(classes);
                g.writeEndArray();
                g.writeArrayFieldStart("data");
                for (float v : p) {
                    g.writeNumber(v);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            if (wanted.isEmpty() || wanted.contains(InferenceRequestParser.LABEL)) {
                g.writeStartObject();
                g.writeStringField("name", InferenceRequestParser.LABEL);
                g.writeStringField("datatype", "BYTES");
                g.writeArrayFieldStart("shape");
                g.writeNumber(request.rows());
                g.writeEndArray();
                g.writeArrayFieldStart("data");
                for (int r = 0; r < request.rows(); r++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (p[r * classes + c] > p[r * classes + best]) {
                            best = c;
                        }
                    }
                    g.writeString(labels.get(best));
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }
}
