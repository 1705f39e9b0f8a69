package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.metrics.ServingMetrics;
import dev.hearth.serving.model.LoadedModel;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once per finished request: one structured JSON line on the {@code dev.hearth.serving.access} logger
 * (method, path, status, latency, model, version, rows, caller's token id; never payloads or tokens) and the
 * request metrics.
 */
public final class AccessLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.hearth.serving.access");
    static final String MODEL = "hearth.model";
    static final String VERSION = "hearth.version";
    static final String ROWS = "hearth.rows";
    static final String TOKEN_ID = "hearth.token.id";
    static final String STARTED = "hearth.started";

    private final ObjectMapper mapper;
    private final ServingMetrics metrics;
    private final boolean enabled;

    public AccessLog(ObjectMapper mapper, ServingMetrics metrics, boolean enabled) {
        this.mapper = mapper;
        this.metrics = metrics;
        this.enabled = enabled;
    }

    /** Notes the model version a request runs on, for the log line and the metrics. */
    static void tag(Context ctx, LoadedModel model) {
        ctx.attribute(MODEL, model.version().name());
        ctx.attribute(VERSION, Integer.toString(model.version().version()));
    }

    /** Notes how many rows a request carried. */
    static void rows(Context ctx, int rows) {
        ctx.attribute(ROWS, rows);
    }

    /** Javalin request logger: metrics and the access-log line. */
    public void log(Context ctx, Float millis) {
        String model = attr(ctx, MODEL);
        String version = attr(ctx, VERSION);
        Long started = ctx.attribute(STARTED);
        long nanos = started == null ? (long) (millis * 1e6) : System.nanoTime() - started;
        String endpoint;
        try {
            endpoint = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            endpoint = "unmatched";
        }
        if (model.isEmpty() && endpoint.contains("{name}")) {
            model = nullToEmpty(pathParam(ctx));
        }
        int status = ctx.statusCode();
        metrics.request(endpoint, model, version, status, nanos);
        if (!enabled || !ACCESS.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("method", ctx.method().name());
        line.put("path", ctx.path());
        line.put("status", status);
        line.put("ms", Math.round(nanos / 1e4) / 100.0);
        line.put("model", model);
        line.put("version", version);
        line.put("rows", ctx.attribute(ROWS));
        line.put("bytes_in", ctx.contentLength());
        line.put("remote", ctx.ip());
        line.put("token_id", ctx.attribute(TOKEN_ID));
        try {
            ACCESS.info(mapper.writeValueAsString(line));
        } catch (java.io.IOException e) {
            ACCESS.warn("cannot encode access-log line: {}", e.getMessage());
        }
    }

    private static String pathParam(Context ctx) {
        try {
            return ctx.pathParam("name");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String attr(Context ctx, String key) {
        Object v = ctx.attribute(key);
        return v == null ? "" : v.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
