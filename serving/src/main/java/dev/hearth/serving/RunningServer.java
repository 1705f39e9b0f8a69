package dev.hearth.serving;

import dev.hearth.serving.http.InFlight;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.StoreWatcher;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started model server: its address, and a graceful stop that drains in-flight requests first. */
public final class RunningServer {
    private static final Logger LOG = LoggerFactory.getLogger(RunningServer.class);

    private final Javalin app;
    private final ModelRegistry registry;
    private final StoreWatcher watcher;
    private final InFlight inFlight;
    private final long shutdownTimeoutMillis;
    private final String url;

    RunningServer(Javalin app, ModelRegistry registry, StoreWatcher watcher, InFlight inFlight,
            long shutdownTimeoutMillis, String url) {
        this.app = app;
        this.registry = registry;
        this.watcher = watcher;
        this.inFlight = inFlight;
        this.shutdownTimeoutMillis = shutdownTimeoutMillis;
        this.url = url;
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /** {@code http://host:port} or {@code https://host:port}. */
    public String url() {
        return url;
    }

    /** Requests being handled now (for tests in this module). */
    int inFlight() {
        return inFlight.count();
    }

    /** Bytes held by requests in flight now, against {@code server.max.inflight.bytes} (for tests in this module). */
    long inFlightBytes() {
        return inFlight.bytes();
    }

    /** The served models (for tests and tools in this module). */
    ModelRegistry registry() {
        return registry;
    }

    /**
     * Stops gracefully: new requests get 503, in-flight ones finish (up to {@code server.shutdown.timeout.ms}),
     * then the HTTP server, the store watcher and the models are released.
     */
    public void stop() {
        watcher.close();
        try {
            if (!inFlight.drain(shutdownTimeoutMillis)) {
                LOG.warn("{} requests still in flight after {} ms; stopping anyway", inFlight.count(),
                        shutdownTimeoutMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        app.stop();
        registry.close();
        LOG.info("Server stopped");
    }
}
