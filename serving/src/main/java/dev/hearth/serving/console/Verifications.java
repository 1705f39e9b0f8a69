package dev.hearth.serving.console;

import dev.hearth.store.IntegrityException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results of re-hashing versions' files against their SHA-256s ({@link ModelStore#verify}). Versions are immutable,
 * so a result stays true for as long as the bytes are untouched; the version page re-checks on every view, the
 * model page shows the last result (re-hashing 50 model files per page view would dominate its render time) and
 * queues the versions not checked yet for one background thread, so the next view shows them.
 */
final class Verifications implements AutoCloseable {
    /** Shown while a version waits for its background check. */
    static final String QUEUED = "checking…";

    static final String VERIFIED = "verified";
    private static final int MAX = 100_000;

    private final ModelStore store;
    private final Map<String, String> results = new ConcurrentHashMap<>();
    private final java.util.concurrent.ThreadPoolExecutor background = new java.util.concurrent.ThreadPoolExecutor(
            1,
            1,
            0,
            java.util.concurrent.TimeUnit.MILLISECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(1000),
            r -> {
                Thread t = new Thread(r, "console-verify");
                t.setDaemon(true);
                return t;
            },
            new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());

    Verifications(ModelStore store) {
        this.store = store;
    }

    /** The last result for {@code v}; a version not checked yet is queued for the background thread. */
    String lastOrQueue(ModelVersion v) {
        String r = results.get(key(v));
        if (r != null) {
            return r;
        }
        if (results.putIfAbsent(key(v), QUEUED) == null) {
            background.execute(() -> {
                try {
                    verify(v);
                } catch (RuntimeException e) {
                    results.put(key(v), "cannot check: " + e.getMessage());
                }
            });
        }
        return QUEUED;
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

    /** Re-hashes every file of {@code v} now: {@link #VERIFIED} or {@code MISMATCH: ...} naming the file. */
    String verify(ModelVersion v) {
        String result;
        try {
            store.verify(v);
            result = VERIFIED;
        } catch (IntegrityException e) {
            result = "MISMATCH: " + e.getMessage();
        }
        if (results.size() >= MAX) {
            results.clear();
        }
        results.put(key(v), result);
        return result;
    }

    private static String key(ModelVersion v) {
        return v.name() + "/" + v.version();
    }
}
