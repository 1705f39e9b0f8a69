package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.runtime.ModelLoadException;
import dev.hearth.runtime.PredictionException;
import dev.hearth.serving.model.ModelNotReadyException;
import dev.hearth.serving.model.OverloadedException;
import dev.hearth.store.InvalidNameException;
import dev.hearth.store.ModelNotFoundException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that maps exceptions to HTTP statuses and writes {@code {"error": "..."}} bodies. */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private final ObjectMapper mapper;

    public ErrorMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The HTTP status for an exception (also for the web console's HTML error pages). */
    public static int status(Exception e) {
        if (e instanceof BadRequestException
                || e instanceof InvalidNameException
                || e instanceof PredictionException p && p.isBadInput()) {
            return 400;
        }
        if (e instanceof UnauthorizedException) {
            return 401;
        }
        if (e instanceof ForbiddenException) {
            return 403;
        }
        if (e instanceof ModelNotFoundException) {
            return 404;
        }
        if (e instanceof dev.hearth.store.VersionConflictException) {
            return 409;
        }
        if (e instanceof ModelNotReadyException
                || e instanceof ModelLoadException
                || e instanceof ServiceUnavailableException
                || e instanceof OverloadedException) {
            return 503;
        }
        if (e instanceof HttpResponseException h) {
            return h.getStatus();
        }
        // Jetty's own verdicts on the request, e.g. 408 for a body slower than server.min.request.data.rate.
        if (e instanceof BadMessageException b) {
            return b.getCode();
        }
        return 500;
    }

    /** Writes the error response for {@code e}. */
    public void handle(Exception e, Context ctx) {
        int status = status(e);
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (status == 500) {
            message = internalError(ctx, e);
        } else if (e instanceof HttpResponseException) {
            message = switch (status) {
                case 404 -> "no endpoint " + ctx.method() + " " + ctx.path();
                case 405 -> "method " + ctx.method() + " not allowed on " + ctx.path();
                case 413 -> "request body is larger than the server's limit";
                default -> message;
            };
        }
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        if (e instanceof OverloadedException o) {
            ctx.header("Retry-After", Long.toString(o.retryAfterSeconds()));
        }
        write(ctx, status, message);
    }

    /**
     * Logs a server fault once, with the exception and the request's id, and returns what the caller is told:
     * only that id. Exception messages can hold store paths, file names or library internals; they go to the log.
     */
    private static String internalError(Context ctx, Exception e) {
        String id = AccessLog.requestId(ctx);
        LOG.error(
                "Request {} ({} {}) failed with an internal error",
                id,
                ctx.method(),
                AccessLog.bounded(ctx.path(), AccessLog.MAX_PATH),
                e);
        return internalErrorMessage(id);
    }

    private static String internalErrorMessage(String id) {
        return "internal error, request id " + id;
    }

    /**
     * Javalin's handler for {@link Error}s thrown by a request handler (they bypass the exception handlers): the
     * same answer and log line as {@link #handle} gives a 500, with an id of its own (the request's attributes
     * are out of reach here).
     */
    public void fatal(HttpServletResponse res, Error error) {
        String id = AccessLog.newRequestId();
        LOG.error("Request {} failed with a fatal error", id, error);
        try {
            res.setStatus(500);
            res.setContentType("application/json");
            res.getOutputStream().write(mapper.writeValueAsBytes(Map.of("error", internalErrorMessage(id))));
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot write the answer to request {}: {}", id, e.toString());
        }
    }

    /** Writes an error body with a status. */
    public void write(Context ctx, int status, String message) {
        try {
            ctx.status(status)
                    .contentType("application/json")
                    .result(mapper.writeValueAsBytes(Map.of("error", message)));
        } catch (java.io.IOException io) {
            ctx.status(500).result("{\"error\":\"cannot encode error\"}");
        }
    }
}
