package dev.hearth.serving;

import dev.hearth.serving.http.InFlight;
import dev.hearth.serving.lifecycle.Drain;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.StoreWatcher;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final Drain drain;
    private final List<AutoCloseable> extras;
    private final AtomicBoolean stopped = new AtomicBoolean();

    RunningServer(
            Javalin app,
            ModelRegistry registry,
            StoreWatcher watcher,
            InFlight inFlight,
            long shutdownTimeoutMillis,
            String url,
            Drain drain,
            List<AutoCloseable> extras) {
        this.drain = drain;
        this.extras = new ArrayList<>(extras);
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

    /** The drain state: readiness turns 503 once it has begun. */
    public Drain drain() {
        return drain;
    }

    /**
     * What SIGTERM does: readiness 503 at once, requests still served for {@code server.drain.ms}, then
     * {@link #stop()}. Blocks for the whole sequence.
     */
    public void drainAndStop() throws InterruptedException {
        drain.begin();
        drain.awaitPeriod();
        stop();
    }

    /**
     * Stops gracefully: new requests get 503, in-flight ones finish (up to {@code server.shutdown.timeout.ms}),
     * then the HTTP server, the store watcher and the models are released. Later calls do nothing.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        drain.begin();
        watcher.close();
        try {
            if (!inFlight.drain(shutdownTimeoutMillis)) {
                LOG.warn(
                        "{} requests still in flight after {} ms; stopping anyway",
                        inFlight.count(),
                        shutdownTimeoutMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        app.stop();
        // Rollout targets and shadow runs go first: they use models and the store the registry releases.
        for (AutoCloseable extra : extras) {
            try {
                extra.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", extra, e.toString());
            }
        }
        registry.close();
        LOG.info("Server stopped");
    }
}
