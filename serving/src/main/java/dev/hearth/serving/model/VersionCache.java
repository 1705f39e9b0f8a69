package dev.hearth.serving.model;

import dev.hearth.runtime.ModelLoadException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Versions addressed by number ({@code /versions/{v}}) that are not the current one, loaded on demand and kept
 * in a least-recently-used cache of bounded size; evicted versions are retired (freed after their last request).
 *
 * <p>The cache's lock guards only its map and is never held while loading: a load runs on the thread that missed,
 * outside the lock, and every other request for the same version waits for that one load. Holding the lock
 * while loading (which takes the registry's load lock) used to deadlock against a hot swap, which holds the load
 * lock and asks the cache for {@link #bytes()}.
 */
final class VersionCache {
    private final int capacity;
    /** Loaded and loading versions by {@code name/version}, least recently used first. */
    private final LinkedHashMap<String, CompletableFuture<LoadedModel>> entries = new LinkedHashMap<>(16, 0.75f, true);

    private boolean closed;

    VersionCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("version cache size must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * The cached version, or the one {@code loader} loads (then cached, evicting the least recently used). The
     * returned model may have been retired meanwhile (evicted, unloaded): callers acquire it and ask again if
     * that fails.
     *
     * @throws ModelLoadException (or whatever else {@code loader} threw) when the load failed; the failure is not
     *     cached, the next request loads again
     * @throws ModelNotReadyException when the cache is closed or the wait was interrupted
     */
    LoadedModel get(String name, int version, Supplier<LoadedModel> loader) {
        String key = name + "/" + version;
        CompletableFuture<LoadedModel> entry;
        boolean mine = false;
        synchronized (this) {
            if (closed) {
                throw new ModelNotReadyException("the server is shutting down");
            }
            entry = entries.get(key);
            if (entry != null && entry.isDone() && !usable(entry)) {
                entries.remove(key);
                entry = null;
            }
            if (entry == null) {
                entry = new CompletableFuture<>();
                entries.put(key, entry);
                mine = true;
            }
        }
        if (mine) {
            load(key, entry, loader);
        }
        return await(key, entry);
    }

    private void load(String key, CompletableFuture<LoadedModel> entry, Supplier<LoadedModel> loader) {
        LoadedModel model;
        try {
            model = loader.get();
        } catch (Throwable t) {
            synchronized (this) {
                entries.remove(key, entry);
            }
            entry.completeExceptionally(t);
            return;
        }
        List<LoadedModel> retired = new ArrayList<>();
        synchronized (this) {
            // Completed under the lock so that bytes() and eviction see it as loaded at once (no callbacks run).
            entry.complete(model);
            if (closed || entries.get(key) != entry) {
                // Evicted (unload, shutdown) while loading: it never entered the cache, nobody else retires it.
                retired.add(model);
            } else {
                evictBeyondCapacity(retired);
            }
        }
        retired.forEach(LoadedModel::retire);
    }

    /** Drops the least recently used loaded versions until at most {@code capacity} remain; loads in flight stay. */
    private void evictBeyondCapacity(List<LoadedModel> retired) {
        long loaded = entries.values().stream().filter(VersionCache::usable).count();
        Iterator<Map.Entry<String, CompletableFuture<LoadedModel>>> it =
                entries.entrySet().iterator();
        while (loaded > capacity && it.hasNext()) {
            CompletableFuture<LoadedModel> eldest = it.next().getValue();
            if (usable(eldest)) {
                retired.add(eldest.getNow(null));
                it.remove();
                loaded--;
            }
        }
    }

    private static boolean usable(CompletableFuture<LoadedModel> f) {
        return f.isDone() && !f.isCompletedExceptionally() && !f.getNow(null).isReleased();
    }

    private static LoadedModel await(String key, CompletableFuture<LoadedModel> entry) {
        try {
            return entry.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelNotReadyException("interrupted while waiting for " + key + " to load");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Retires every cached version of {@code name} (all when null); loads in flight retire theirs when done. */
    void evict(String name) {
        List<LoadedModel> retired = new ArrayList<>();
        synchronized (this) {
            entries.entrySet().removeIf(e -> {
                boolean match = name == null || e.getKey().startsWith(name + "/");
                if (match && usable(e.getValue())) {
                    retired.add(e.getValue().getNow(null));
                }
                return match;
            });
        }
        retired.forEach(LoadedModel::retire);
    }

    /** Retires every cached version and refuses further requests. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        evict(null);
    }

    /** Bytes of parameters held by loaded cached versions (not by loads in flight). */
    synchronized long bytes() {
        return entries.values().stream()
                .filter(VersionCache::usable)
                .mapToLong(f -> f.getNow(null).bytes())
                .sum();
    }
}
