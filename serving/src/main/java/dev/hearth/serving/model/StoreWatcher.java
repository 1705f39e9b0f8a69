package dev.hearth.serving.model;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the store at a fixed interval and lets the registry hot-swap in versions that committed or that an
 * alias moved to since the last poll. Loading happens on the watcher's own thread, never on request threads.
 */
public final class StoreWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWatcher.class);

    private final ModelRegistry registry;
    private final long intervalMillis;
    private final ScheduledExecutorService executor;

    /** @param intervalMillis poll interval; 0 disables watching */
    public StoreWatcher(ModelRegistry registry, long intervalMillis) {
        this.registry = registry;
        this.intervalMillis = intervalMillis;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hearth-store-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts polling (no-op when the interval is 0). */
    public void start() {
        if (intervalMillis <= 0) {
            LOG.info("Store watching is off (serving.poll.interval.ms=0)");
            return;
        }
        executor.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        LOG.info("Watching the store every {} ms", intervalMillis);
    }

    private void poll() {
        try {
            registry.refresh();
        } catch (RuntimeException e) {
            LOG.warn("Polling the store failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
