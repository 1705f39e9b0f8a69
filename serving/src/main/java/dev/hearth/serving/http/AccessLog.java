package dev.hearth.serving.http;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.hearth.serving.metrics.ServingMetrics;
import dev.hearth.serving.model.LoadedModel;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once per finished request: one structured JSON line on the {@code dev.hearth.serving.access} logger
 * (request id, method, path, status, latency, model, version, rows, user agent, caller's token id; never payloads
 * or tokens) and the request metrics.
 *
 * <p>Fields the caller chooses (path, model name, user agent) are cut to a bounded length and written with every
 * control and non-ASCII character escaped, so a request can neither forge log lines nor blow up the log. Request
 * ids are made by the server ({@link #requestId}); an id the caller sends is not used.
 */
public final class AccessLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.hearth.serving.access");
    static final String MODEL = "hearth.model";
    static final String VERSION = "hearth.version";
    static final String ROWS = "hearth.rows";
    public static final String TOKEN_ID = "hearth.token.id";
    static final String STARTED = "hearth.started";
    static final String REQUEST_ID = "hearth.request.id";
    /** Longest path, model name and user agent kept in a log line (longer ones are cut and marked). */
    static final int MAX_PATH = 256;

    static final int MAX_MODEL = 80;
    static final int MAX_USER_AGENT = 160;

    private final ObjectWriter writer;
    private final ServingMetrics metrics;
    private final boolean enabled;

    public AccessLog(ObjectMapper mapper, ServingMetrics metrics, boolean enabled) {
        this.writer = mapper.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
        this.metrics = metrics;
        this.enabled = enabled;
    }

    /**
     * The id of this request, made on first use: 16 hex digits from the server's random source. The error
     * mapper puts it in a 500's answer and its log line, and the access log line carries it, so one id joins the
     * three.
     */
    static String requestId(Context ctx) {
        Object id = ctx.attribute(REQUEST_ID);
        if (id instanceof String s) {
            return s;
        }
        String made = newRequestId();
        ctx.attribute(REQUEST_ID, made);
        return made;
    }

    /** A fresh request id, for failures that have no request context. */
    static String newRequestId() {
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return "0".repeat(16 - hex.length()) + hex;
    }

    /**
     * {@code s} cut to at most {@code max} characters (never inside a surrogate pair), with how much was cut;
     * null stays null.
     */
    static String bounded(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end) + "...(" + (s.length() - end) + " more chars)";
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
        line.put("id", requestId(ctx));
        line.put("method", ctx.method().name());
        line.put("path", bounded(ctx.path(), MAX_PATH));
        line.put("status", status);
        line.put("ms", Math.round(nanos / 1e4) / 100.0);
        line.put("model", bounded(model, MAX_MODEL));
        line.put("version", version);
        line.put("rows", ctx.attribute(ROWS));
        line.put("bytes_in", ctx.contentLength());
        line.put("remote", ctx.ip());
        line.put("user_agent", bounded(ctx.userAgent(), MAX_USER_AGENT));
        line.put("token_id", ctx.attribute(TOKEN_ID));
        try {
            ACCESS.info(writer.writeValueAsString(line));
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
