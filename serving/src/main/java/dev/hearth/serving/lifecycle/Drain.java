package dev.hearth.serving.lifecycle;

import io.javalin.http.Context;
import java.util.concurrent.TimeUnit;

/**
 * The drain state of one server. Once {@link #begin() begun}, {@code GET /v2/health/ready} answers 503 while every
 * other endpoint keeps answering: a load balancer (HAProxy's health check, a Kubernetes readiness probe) takes the
 * replica out of rotation, and requests it still routes here during {@code server.drain.ms} succeed. Only after that
 * period does the graceful stop refuse new requests.
 */
public final class Drain {
    /** The readiness answer while draining; no details, readiness is open without a token. */
    static final String DRAINING_BODY =
            "{\"ready\":false,\"not_ready\":[],\"error\":\"draining: the server is shutting down\"}";

    private final long drainMillis;
    private volatile boolean draining;

    /** @param drainMillis how long the server keeps answering after readiness turned 503 ({@code server.drain.ms}) */
    public Drain(long drainMillis) {
        if (drainMillis < 0 || drainMillis > TimeUnit.MINUTES.toMillis(10)) {
            throw new IllegalArgumentException("server.drain.ms must be between 0 and 600000 but was " + drainMillis);
        }
        this.drainMillis = drainMillis;
    }

    /** Turns readiness to 503 from now on (idempotent). */
    public void begin() {
        draining = true;
    }

    /** Whether draining has begun. */
    public boolean isDraining() {
        return draining;
    }

    /** How long the server keeps answering after readiness turned 503. */
    public long drainMillis() {
        return drainMillis;
    }

    /**
     * Javalin before-handler for {@code /v2/health/ready}: while draining, answers 503 and skips the readiness
     * handler (the models are still loaded, so the registry alone would say ready).
     */
    public void readiness(Context ctx) {
        if (draining) {
            ctx.status(503).contentType("application/json").result(DRAINING_BODY);
            ctx.skipRemainingHandlers();
        }
    }

    /** Waits out the drain period (the caller began draining); returns early only when interrupted. */
    public void awaitPeriod() throws InterruptedException {
        Thread.sleep(drainMillis);
    }
}
