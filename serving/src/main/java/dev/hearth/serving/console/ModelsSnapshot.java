package dev.hearth.serving.console;

import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The models page's view of the store: per model its latest version and aliases, read through the store API on a
 * few threads (the reads are file-system round trips: 200 models take a few hundred milliseconds to seconds on a
 * busy machine). Served stale-while-revalidate: the first view reads synchronously; a view of a snapshot older than
 * {@code console.models.refresh.ms} gets it at once and starts one background re-read, so the page never waits on
 * the store and nothing is read while nobody looks. The console's own changes (alias moves, rollbacks) re-read
 * their model at once. Model, version, diff and audit pages always read the store live.
 */
final class ModelsSnapshot implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelsSnapshot.class);
    private static final int READERS = 4;

    /** What the models page shows of one model. */
    record Row(String name, ModelVersion latest, Map<String, Integer> aliases) {}

    /**
     * One read of the store.
     *
     * @param takenAtMillis when the read started
     * @param readMillis how long it took
     */
    record Snapshot(long takenAtMillis, double readMillis, List<Row> rows) {}

    private final ModelStore store;
    private final long refreshMillis;
    private final LongSupplier clock;
    private final ExecutorService readers;
    private final ExecutorService refresher;
    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();

    /** @param refreshMillis how old a snapshot may get before a view starts a re-read ({@code console.models.refresh.ms}) */
    ModelsSnapshot(ModelStore store, long refreshMillis, LongSupplier clock) {
        if (refreshMillis < 0) {
            throw new IllegalArgumentException("console.models.refresh.ms must be >= 0 but was " + refreshMillis);
        }
        this.store = store;
        this.refreshMillis = refreshMillis;
        this.clock = clock;
        this.readers = Executors.newFixedThreadPool(READERS, daemon("console-store-reader"));
        this.refresher = Executors.newSingleThreadExecutor(daemon("console-store-refresh"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The snapshot to show now (read synchronously the first time, or always when the refresh interval is 0). */
    Snapshot get() {
        Snapshot s = current.get();
        if (s == null || refreshMillis == 0) {
            s = read();
            current.set(s);
            return s;
        }
        if (clock.getAsLong() - s.takenAtMillis() >= refreshMillis && refreshing.compareAndSet(false, true)) {
            refresher.execute(() -> {
                try {
                    current.set(read());
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return s;
    }

    /** Reads the store in the background (at server start), so the first view need not wait for it. */
    void warmUp() {
        if (refreshing.compareAndSet(false, true)) {
            refresher.execute(() -> {
                try {
                    Snapshot s = read();
                    current.compareAndSet(null, s);
                } catch (RuntimeException e) {
                    // the first view reads again and shows the problem
                    LOG.warn("Console: reading the store for the models page failed: {}", e.getMessage());
                } finally {
                    refreshing.set(false);
                }
            });
        }
    }

    /** Re-reads one model now (after the console changed it), so the next view shows the change. */
    void reread(String name) {
        Snapshot s = current.get();
        if (s == null) {
            return;
        }
        Row fresh = row(name);
        List<Row> rows = new ArrayList<>();
        for (Row r : s.rows()) {
            if (!r.name().equals(name)) {
                rows.add(r);
            } else if (fresh != null) {
                rows.add(fresh);
            }
        }
        current.compareAndSet(s, new Snapshot(s.takenAtMillis(), s.readMillis(), rows));
    }

    private Snapshot read() {
        long started = clock.getAsLong();
        long t0 = System.nanoTime();
        List<Future<Row>> futures = new ArrayList<>();
        for (String name : store.listModels()) {
            futures.add(readers.submit(() -> row(name)));
        }
        List<Row> rows = new ArrayList<>(futures.size());
        for (Future<Row> f : futures) {
            Row r = get(f);
            if (r != null) {
                rows.add(r);
            }
        }
        return new Snapshot(started, (System.nanoTime() - t0) / 1e6, List.copyOf(rows));
    }

    private Row row(String name) {
        try {
            return new Row(name, store.resolve(new ModelRef(name, 0)), store.aliases(name));
        } catch (ModelNotFoundException e) {
            return null; // deleted between the listing and the read
        }
    }

    private static Row get(Future<Row> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the store", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        readers.shutdownNow();
    }
}
