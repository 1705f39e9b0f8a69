package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.store.Signature;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Health and metadata endpoints: {@code /v2/health/live}, {@code /v2/health/ready}, {@code /v2/models/{name}}. */
public final class MetadataHandler {
    private final ModelRegistry registry;
    private final ObjectMapper mapper;
    private final ErrorMapper errors;

    public MetadataHandler(ModelRegistry registry, ObjectMapper mapper, ErrorMapper errors) {
        this.registry = registry;
        this.mapper = mapper;
        this.errors = errors;
    }

    public void live(Context ctx) {
        ctx.status(200).contentType("application/json").result("{\"live\":true}");
    }

    public void ready(Context ctx) {
        if (registry.isReady()) {
            ctx.status(200).contentType("application/json").result("{\"ready\":true}");
        } else {
            errors.write(ctx, 503, "models are still loading");
        }
    }

    public void model(Context ctx) throws IOException {
        LoadedModel m = registry.get(ctx.pathParam("name"));
        Signature s = m.signature();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", m.version().name());
        body.put("versions", List.of(Integer.toString(m.version().version())));
        body.put("platform", m.version().metadata().framework());
        body.put("inputs", List.of(Map.of("name", s.inputName(), "datatype", s.datatype(),
                "shape", List.of(-1, s.featureCount()))));
        body.put("outputs", List.of(
                Map.of("name", InferenceRequestParser.PROBABILITIES, "datatype", "FP32",
                        "shape", List.of(-1, s.labelNames().size())),
                Map.of("name", InferenceRequestParser.LABEL, "datatype", "BYTES", "shape", List.of(-1))));
        body.put("parameters", Map.of("labels", s.labelNames(), "metrics", m.version().metadata().metrics()));
        ctx.contentType("application/json").result(mapper.writeValueAsBytes(body));
    }
}
