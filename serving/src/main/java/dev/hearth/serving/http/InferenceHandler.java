package dev.hearth.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hearth.runtime.Labels;
import dev.hearth.runtime.Tensor;
import dev.hearth.serving.auth.Scopes;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.ModelSlot;
import dev.hearth.serving.rollout.Routed;
import dev.hearth.serving.rollout.Routing;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Inference endpoints: {@code POST /v2/models/{name}[/versions/{v}]/infer} (Open Inference Protocol v2) and
 * {@code POST /v1/models/{name}:predict} (TF-Serving-style instances). Requests go through the model's
 * micro-batcher; the model version is held for the whole request, so a hot swap never cuts a request short. A
 * classifier answers with {@code probabilities} and {@code label}; a regression model with one FP32 output named
 * after its target, shape {@code [rows, k]}, in the target's own units ({@code /v1}: one number per row).
 *
 * <p>Memory: the body is parsed as it streams in (never buffered whole); its declared length is checked against
 * {@code server.max.body.bytes} before anything is read, and every byte received and every value stored is charged
 * to the request's account in the server-wide in-flight budget, given back when the request ends.
 */
public final class InferenceHandler {
    private final ModelRegistry registry;
    private final InferenceRequestParser parser;
    private final JsonFactory json;
    private final long timeoutMillis;
    private final long maxBodyBytes;
    private final InFlight inFlight;
    private final Routing routing;

    public InferenceHandler(
            ModelRegistry registry,
            InferenceRequestParser parser,
            JsonFactory json,
            long timeoutMillis,
            long maxBodyBytes,
            InFlight inFlight) {
        this(registry, parser, json, timeoutMillis, maxBodyBytes, inFlight, Routing.NONE);
    }

    /** @param routing canary and shadow routing of requests to a model's policy */
    public InferenceHandler(
            ModelRegistry registry,
            InferenceRequestParser parser,
            JsonFactory json,
            long timeoutMillis,
            long maxBodyBytes,
            InFlight inFlight,
            Routing routing) {
        this.routing = routing;
        this.registry = registry;
        this.parser = parser;
        this.json = json;
        this.timeoutMillis = timeoutMillis;
        this.maxBodyBytes = maxBodyBytes;
        this.inFlight = inFlight;
    }

    /** {@code POST /v2/models/{name}/infer} on the version the model's policy serves. */
    public void infer(Context ctx) throws IOException {
        try (RequestBytes account = inFlight.account()) {
            InputStream body = RequestBody.open(ctx, maxBodyBytes, account);
            ModelSlot slot = registry.slot(ctx.pathParam("name"));
            inferOn(ctx, slot, slot.acquire(), body, account, false, true);
        }
    }

    /** {@code POST /v2/models/{name}/versions/{version}/infer} on one committed version. */
    public void inferVersion(Context ctx) throws IOException {
        try (RequestBytes account = inFlight.account()) {
            InputStream body = RequestBody.open(ctx, maxBodyBytes, account);
            ModelSlot slot = registry.slot(ctx.pathParam("name"));
            // A version nobody serves costs a full load: its callers need read on the model as well as predict.
            inferOn(
                    ctx,
                    slot,
                    registry.acquireVersion(
                            slot.name(),
                            Paths.version(ctx),
                            () -> AccessControl.require(
                                    ctx,
                                    Scopes.READ + ":" + slot.name(),
                                    "inference on a version this server does not serve")),
                    body,
                    account,
                    false,
                    false);
        }
    }

    /** {@code POST /v1/models/{name}:predict} with {@code {"instances": [[...], ...]}}. */
    public void predictV1(Context ctx) throws IOException {
        try (RequestBytes account = inFlight.account()) {
            InputStream body = RequestBody.open(ctx, maxBodyBytes, account);
            ModelSlot slot = registry.slot(ctx.pathParam("name"));
            inferOn(ctx, slot, slot.acquire(), body, account, true, true);
        }
    }

    /**
     * Runs a request on {@code model}, which the caller acquired; it is released here. A request to the model's
     * policy ({@code routed}) may be answered by the rollout's canary instead, and copied to its shadow after the
     * answer was sent.
     */
    private void inferOn(
            Context ctx,
            ModelSlot slot,
            LoadedModel model,
            InputStream body,
            RequestBytes account,
            boolean instances,
            boolean routed)
            throws IOException {
        if (!model.signature().isFeatureRows()) {
            inferTensors(ctx, slot, model, body, account, instances, routed);
            return;
        }
        InferenceRequest request;
        try {
            AccessLog.tag(ctx, model);
            request = instances
                    ? parser.parseInstances(body, model.signature(), account)
                    : parser.parse(body, model.signature(), account);
            AccessLog.rows(ctx, request.rows());
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
        Routed to = route(ctx, routed, slot, model, request.id());
        slot = to.slot();
        model = to.model();
        float[] p = run(slot, model, request);
        ctx.header(Routing.VERSION_HEADER, Integer.toString(model.version().version()));
        send(ctx, instances ? encodeV1(model, request, p) : encode(model, request, p));
        if (routed) {
            routing.answered(slot.name(), model, request.features(), request.rows(), p);
        }
    }

    /** Where a parsed request runs: its rollout route when {@code routed}, else the slot and model it was parsed for. */
    private Routed route(Context ctx, boolean routed, ModelSlot slot, LoadedModel model, String requestId) {
        if (!routed) {
            return new Routed(slot, model, Routed.PRIMARY);
        }
        Routed to = routing.route(slot, model, ctx.header(Routing.KEY_HEADER), requestId);
        AccessLog.tag(ctx, to.model());
        return to;
    }

    /**
     * A request to a model with named tensor inputs (an imported graph): every input by name, through the model's
     * micro-batcher (merged along the first axis with other requests when the model allows it; the model stays
     * acquired until its pass is over), every output or those requested, and {@code label} for a classifier. Such models have no rows of features, so TF-Serving's instances do not apply.
     */
    private void inferTensors(
            Context ctx,
            ModelSlot slot,
            LoadedModel model,
            InputStream body,
            RequestBytes account,
            boolean instances,
            boolean routed)
            throws IOException {
        TensorRequest request;
        try {
            AccessLog.tag(ctx, model);
            if (instances) {
                throw new BadRequestException("model '" + model.version().name() + "' takes named tensors "
                        + TensorResponses.describe(model.signature().inputs())
                        + ", not rows of features: use POST /v2/models/{name}/infer");
            }
            request = parser.parseTensors(body, model.signature(), account);
            AccessLog.rows(ctx, request.rows());
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
        Routed to = route(ctx, routed, slot, model, request.id());
        answerTensors(ctx, to.slot(), to.model(), request);
    }

    /** Runs a parsed tensor request on the version it was routed to ({@code model}, acquired) and answers it. */
    private void answerTensors(Context ctx, ModelSlot slot, LoadedModel model, TensorRequest request)
            throws IOException {
        CompletableFuture<Map<String, Tensor>> pending;
        try {
            pending = slot.batcher()
                    .submitTensors(
                            model, request.inputs(), TensorResponses.toRun(model.signature(), request), request.rows());
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
        Map<String, Tensor> out = await(slot, model, pending);
        ctx.header(Routing.VERSION_HEADER, Integer.toString(model.version().version()));
        send(ctx, TensorResponses.encode(json, model, request, out));
    }

    /**
     * Writes the JSON response straight to the servlet stream with its length. Javalin's own result path copies
     * every response through a newly allocated 32 KiB buffer: two thirds of all bytes the server allocated, and
     * the garbage collector's work (with its pauses) grows with that.
     */
    private static void send(Context ctx, byte[] json) throws IOException {
        ctx.contentType("application/json");
        ctx.res().setContentLength(json.length);
        ctx.res().getOutputStream().write(json);
    }

    /**
     * Submits the request to the model's batcher and waits for its result. The model stays acquired until the
     * forward pass is over, even when the wait times out, so a swap never frees a network still queued for use;
     * a request that times out while still queued is withdrawn and never runs.
     */
    private float[] run(ModelSlot slot, LoadedModel model, InferenceRequest request) {
        CompletableFuture<float[]> result;
        try {
            result = slot.batcher().submit(model, request.features(), request.rows());
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
        return await(slot, model, result);
    }

    /** Waits for a submitted request (releasing {@code model} once its pass is over), withdrawing it on timeout. */
    private <T> T await(ModelSlot slot, LoadedModel model, CompletableFuture<T> result) {
        result.whenComplete((r, e) -> model.release());
        try {
            return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            slot.batcher().withdraw(result);
            throw new ServiceUnavailableException(
                    "inference did not finish within " + timeoutMillis + " ms (server.request.timeout.ms)");
        } catch (InterruptedException e) {
            slot.batcher().withdraw(result);
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("inference was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private byte[] encode(LoadedModel model, InferenceRequest request, float[] p) throws IOException {
        if (model.signature().isRegression()) {
            return encodeValues(model, request, p);
        }
        int classes = model.classes();
        List<String> labels = model.signature().labelNames();
        List<String> wanted = request.outputs();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + p.length * 12);
        try (JsonGenerator g = json.createGenerator(bytes)) {
            TensorResponses.startV2(g, model, request.id());
            if (wanted.isEmpty() || wanted.contains(InferenceRequestParser.PROBABILITIES)) {
                writeFp32(g, InferenceRequestParser.PROBABILITIES, request.rows(), classes, p);
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
                    g.writeString(labels.get(Labels.argmax(p, r, classes)));
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** A regression answer: one FP32 output {@code [rows, k]} (the only output, so {@code outputs} cannot drop it). */
    private byte[] encodeValues(LoadedModel model, InferenceRequest request, float[] v) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + v.length * 12);
        try (JsonGenerator g = json.createGenerator(bytes)) {
            TensorResponses.startV2(g, model, request.id());
            writeFp32(g, model.signature().valueOutputName(), request.rows(), model.outputWidth(), v);
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** One FP32 output tensor {@code [rows, width]}. */
    private static void writeFp32(JsonGenerator g, String name, int rows, int width, float[] data) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("datatype", "FP32");
        g.writeArrayFieldStart("shape");
        g.writeNumber(rows);
        g.writeNumber(width);
        g.writeEndArray();
        g.writeArrayFieldStart("data");
        for (float x : data) {
            g.writeNumber(x);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private byte[] encodeV1(LoadedModel model, InferenceRequest request, float[] p) throws IOException {
        if (model.signature().isRegression()) {
            return encodeValuesV1(model, request, p);
        }
        int classes = model.classes();
        List<String> labels = model.signature().labelNames();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + p.length * 12);
        try (JsonGenerator g = json.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model_version", Integer.toString(model.version().version()));
            g.writeArrayFieldStart("predictions");
            for (int r = 0; r < request.rows(); r++) {
                g.writeStartObject();
                g.writeArrayFieldStart(InferenceRequestParser.PROBABILITIES);
                for (int c = 0; c < classes; c++) {
                    g.writeNumber(p[r * classes + c]);
                }
                g.writeEndArray();
                g.writeStringField(InferenceRequestParser.LABEL, labels.get(Labels.argmax(p, r, classes)));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** TF-Serving's answer for a single output: per row its value, or its array of values for several targets. */
    private byte[] encodeValuesV1(LoadedModel model, InferenceRequest request, float[] v) throws IOException {
        int k = model.outputWidth();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + v.length * 12);
        try (JsonGenerator g = json.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model_version", Integer.toString(model.version().version()));
            g.writeArrayFieldStart("predictions");
            for (int r = 0; r < request.rows(); r++) {
                if (k == 1) {
                    g.writeNumber(v[r]);
                    continue;
                }
                g.writeStartArray();
                for (int c = 0; c < k; c++) {
                    g.writeNumber(v[r * k + c]);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }
}
