package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.ModelSlot;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Health and metadata endpoints (Open Inference Protocol v2): server liveness, readiness and metadata, model
 * and model-version metadata and readiness. Metadata explains why a model or version is not served.
 */
public final class MetadataHandler {
    private final ModelRegistry registry;
    private final ObjectMapper mapper;
    private final ErrorMapper errors;
    private final String serverVersion;

    public MetadataHandler(ModelRegistry registry, ObjectMapper mapper, ErrorMapper errors, String serverVersion) {
        this.registry = registry;
        this.mapper = mapper;
        this.errors = errors;
        this.serverVersion = serverVersion;
    }

    public void live(Context ctx) {
        ctx.status(200).contentType("application/json").result("{\"live\":true}");
    }

    /**
     * {@code GET /v2/health/ready}, open to anyone: 200, or 503 naming the models without a version and a generic
     * reason each. Why a load failed (store paths, exception messages) is in the log and, for callers with the
     * model's read scope, in {@code GET /v2/models/{name}}; never here.
     */
    public void ready(Context ctx) throws IOException {
        if (registry.isReady()) {
            ctx.status(200).contentType("application/json").result("{\"ready\":true}");
            return;
        }
        List<String> notReady = new ArrayList<>();
        for (String name : registry.names()) {
            ModelSlot slot = registry.slot(name);
            if (!slot.isUnloaded() && slot.peek() == null) {
                notReady.add(name);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", false);
        body.put("not_ready", notReady);
        body.put("error", "not ready: " + String.join("; ", registry.notReadyReasons()));
        ctx.status(503);
        json(ctx, body);
    }

    /** {@code GET /v2}: server metadata. */
    public void server(Context ctx) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "hearth");
        body.put("version", serverVersion);
        body.put("extensions", List.of("model_repository", "v1_predict"));
        body.put("models", registry.names());
        json(ctx, body);
    }

    /** {@code GET /v2/models/{name}}: the served version's signature, committed versions, and status. */
    public void model(Context ctx) throws IOException {
        ModelSlot slot = registry.slot(ctx.pathParam("name"));
        LoadedModel m = slot.peek();
        Map<String, Object> body;
        if (m == null) {
            body = new LinkedHashMap<>();
            body.put("name", slot.name());
            body.put(
                    "versions",
                    registry.committedVersions(slot.name()).stream()
                            .map(String::valueOf)
                            .toList());
            body.put("platform", "dl4j-multilayer");
            body.put("inputs", List.of());
            body.put("outputs", List.of());
        } else {
            body = describe(m.version(), registry.committedVersions(slot.name()));
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("policy", slot.policy().toString());
        status.put("served_version", slot.currentVersion() == 0 ? null : Integer.toString(slot.currentVersion()));
        status.put("ready", m != null);
        status.put("problem", slot.problem());
        Map<String, String> refused = new LinkedHashMap<>();
        slot.refused().forEach((v, why) -> refused.put(Integer.toString(v), why));
        status.put("refused_versions", refused);
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) body.get("parameters");
        if (parameters == null) {
            parameters = new LinkedHashMap<>();
            body.put("parameters", parameters);
        }
        parameters.put("serving", status);
        json(ctx, body);
    }

    /** {@code GET /v2/models/{name}/versions/{version}}: one committed version's signature. */
    public void version(Context ctx) throws IOException {
        ModelSlot slot = registry.slot(ctx.pathParam("name"));
        ModelVersion v = registry.describe(slot.name(), Paths.version(ctx));
        Map<String, Object> body = describe(v, List.of(v.version()));
        String problem = registry.versionProblem(slot.name(), v.version());
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) body.get("parameters");
        parameters.put("serving", Map.of("ready", problem == null, "problem", problem == null ? "" : problem));
        json(ctx, body);
    }

    /** {@code GET /v2/models/{name}/ready}. */
    public void modelReady(Context ctx) throws IOException {
        ModelSlot slot = registry.slot(ctx.pathParam("name"));
        if (slot.peek() == null) {
            errors.write(
                    ctx,
                    503,
                    "model '" + slot.name() + "' is not ready"
                            + (slot.problem() == null ? " (loading)" : ": " + slot.problem()));
            return;
        }
        json(ctx, Map.of("name", slot.name(), "version", Integer.toString(slot.currentVersion()), "ready", true));
    }

    /** {@code GET /v2/models/{name}/versions/{version}/ready}: committed, servable here and not refused. */
    public void versionReady(Context ctx) throws IOException {
        ModelSlot slot = registry.slot(ctx.pathParam("name"));
        ModelVersion v = registry.describe(slot.name(), Paths.version(ctx));
        String problem = registry.versionProblem(slot.name(), v.version());
        if (problem != null) {
            errors.write(ctx, 503, "version " + v.version() + " of '" + slot.name() + "' is not served: " + problem);
            return;
        }
        json(ctx, Map.of("name", slot.name(), "version", Integer.toString(v.version()), "ready", true));
    }

    private static Map<String, Object> describe(ModelVersion v, List<Integer> versions) {
        Signature s = v.metadata().signature();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", v.name());
        body.put("versions", versions.stream().map(String::valueOf).toList());
        body.put("platform", platform(v.metadata().framework()));
        if (s.isFeatureRows()) {
            body.put(
                    "inputs",
                    List.of(Map.of(
                            "name", s.inputName(), "datatype", s.datatype(), "shape", List.of(-1, s.featureCount()))));
            body.put(
                    "outputs",
                    s.isRegression()
                            ? List.of(Map.of(
                                    "name",
                                    s.valueOutputName(),
                                    "datatype",
                                    "FP32",
                                    "shape",
                                    List.of(-1, s.outputWidth())))
                            : List.of(
                                    Map.of(
                                            "name",
                                            InferenceRequestParser.PROBABILITIES,
                                            "datatype",
                                            "FP32",
                                            "shape",
                                            List.of(-1, s.labelNames().size())),
                                    Map.of(
                                            "name",
                                            InferenceRequestParser.LABEL,
                                            "datatype",
                                            "BYTES",
                                            "shape",
                                            List.of(-1))));
        } else {
            body.put("inputs", s.inputs().stream().map(MetadataHandler::tensor).toList());
            List<Map<String, Object>> outputs = new ArrayList<>(
                    s.outputs().stream().map(MetadataHandler::tensor).toList());
            if (s.isClassification()) {
                List<Long> shape = s.output(s.labelsOutput()).shape();
                outputs.add(tensor(Signature.LABEL, "BYTES", shape.subList(0, shape.size() - 1)));
            }
            body.put("outputs", outputs);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("version", Integer.toString(v.version()));
        parameters.put("task", s.task());
        parameters.put("labels", s.labelNames());
        if (s.isRegression()) {
            // Predictions are already in these targets' units: the server inverts the stored target normaliser.
            parameters.put("targets", s.targets());
            parameters.put("target_normalizer", s.targetNormalizer().kind());
        }
        parameters.put("features", s.featureNames());
        parameters.put("metrics", v.metadata().metrics());
        body.put("parameters", parameters);
        return body;
    }

    /**
     * The OIP v2 platform of a framework: ONNX models run on ONNX Runtime ({@code onnxruntime_onnx}, the name
     * other OIP servers use); a DL4J model keeps its framework's name.
     */
    static String platform(String framework) {
        return ModelFiles.ONNX.equals(framework) ? "onnxruntime_onnx" : framework;
    }

    private static Map<String, Object> tensor(TensorSpec t) {
        return tensor(t.name(), t.datatype(), t.shape());
    }

    /** An OIP v2 tensor description, its fields in the protocol's order. */
    private static Map<String, Object> tensor(String name, String datatype, List<Long> shape) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("datatype", datatype);
        m.put("shape", shape);
        return m;
    }

    private void json(Context ctx, Object body) throws IOException {
        ctx.contentType("application/json").result(mapper.writeValueAsBytes(body));
    }
}
