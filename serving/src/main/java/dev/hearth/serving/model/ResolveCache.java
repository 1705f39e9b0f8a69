package dev.hearth.serving.model;

import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers for a short time what the store answered when a version was looked up by number, found or not
 * found, so requests for versions (especially unknown ones, e.g. a client cycling through numbers) do not each
 * read the store. Bounded: the least recently used answers are dropped first. Other store errors (I/O) are not
 * remembered. Versions are immutable and never reused, so the time to live only bounds how late a new or deleted
 * version is noticed.
 */
final class ResolveCache {
    private record Answer(ModelVersion version, String missing, long expiresAt) {
        ModelVersion get() {
            if (version == null) {
                throw new ModelNotFoundException(missing);
            }
            return version;
        }
    }

    private final ModelStore store;
    private final int capacity;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Answer> answers = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param capacity most answers kept
     * @param ttl how long an answer is used
     * @param nanoTime the clock ({@code System::nanoTime}; tests pass their own)
     */
    ResolveCache(ModelStore store, int capacity, Duration ttl, LongSupplier nanoTime) {
        if (capacity < 1 || ttl.isNegative()) {
            throw new IllegalArgumentException(
                    "resolve cache needs capacity >= 1 and ttl >= 0 but got " + capacity + " and " + ttl);
        }
        this.store = store;
        this.capacity = capacity;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * The committed version {@code version} of {@code name}.
     *
     * @throws ModelNotFoundException when it does not exist (remembered like a found version)
     */
    ModelVersion resolve(String name, int version) {
        String key = name + "/" + version;
        long now = nanoTime.getAsLong();
        synchronized (this) {
            Answer known = answers.get(key);
            if (known != null && known.expiresAt - now > 0) {
                return known.get();
            }
        }
        // The store is read outside the lock: a slow store must not hold up answers already known.
        Answer fresh;
        try {
            fresh = new Answer(store.resolve(new ModelRef(name, version)), null, now + ttlNanos);
        } catch (ModelNotFoundException e) {
            fresh = new Answer(null, e.getMessage(), now + ttlNanos);
        }
        synchronized (this) {
            answers.put(key, fresh);
            Iterator<Answer> eldest = answers.values().iterator();
            while (answers.size() > capacity) {
                eldest.next();
                eldest.remove();
            }
        }
        return fresh.get();
    }
}
