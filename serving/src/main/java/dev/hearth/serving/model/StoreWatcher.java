package dev.hearth.serving.model;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the store at a fixed interval and lets the registry hot-swap in versions that committed or that an
 * alias moved to since the last poll. Loading happens on the watcher's own thread, never on request threads.
 *
 * <p>A failed poll never ends polling: anything thrown, {@link Error}s included (a scheduled task that throws is
 * silently never run again), is logged once per distinct failure and the next poll runs on time. Leases are
 * renewed on their own timer ({@link LeaseKeeper}), so they do not depend on polling at all.
 */
public final class StoreWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWatcher.class);

    private final Runnable refresh;
    private final long intervalMillis;
    private final ScheduledExecutorService executor;
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** The last failure logged, so a failure repeated on every poll is logged once; only the poll thread uses it. */
    private String lastFailure;

    /** @param intervalMillis poll interval; 0 disables watching */
    public StoreWatcher(ModelRegistry registry, long intervalMillis) {
        this(registry::refresh, intervalMillis);
    }

    /** Polls by running {@code refresh} (for tests: any action in place of the registry's refresh). */
    StoreWatcher(Runnable refresh, long intervalMillis) {
        this.refresh = refresh;
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
        polls.incrementAndGet();
        try {
            refresh.run();
            if (lastFailure != null) {
                LOG.info("Polling the store works again (last failure: {})", lastFailure);
                lastFailure = null;
            }
        } catch (Throwable t) {
            failures.incrementAndGet();
            String failure = t.toString();
            if (failure.equals(lastFailure)) {
                LOG.debug("Polling the store failed again: {}", failure);
            } else {
                lastFailure = failure;
                LOG.error(
                        "Polling the store failed (logged once until it changes; polling goes on every {} ms)",
                        intervalMillis,
                        t);
            }
        }
    }

    /** Polls started so far. */
    long polls() {
        return polls.get();
    }

    /** Polls that threw so far. */
    long failures() {
        return failures.get();
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
