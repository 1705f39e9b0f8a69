package dev.hearth.serving.console;

import dev.hearth.store.IntegrityException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results of re-hashing versions' files against their SHA-256s ({@link ModelStore#verify}). Versions are immutable,
 * so a result stays true for as long as the bytes are untouched; the version page re-checks on every view, the
 * model page shows the last result (re-hashing 50 model files per page view would dominate its render time).
 */
final class Verifications {
    /** Shown when a version was not checked since this console started. */
    static final String UNCHECKED = "not checked yet";
    static final String VERIFIED = "verified";
    private static final int MAX = 100_000;

    private final ModelStore store;
    private final Map<String, String> results = new ConcurrentHashMap<>();

    Verifications(ModelStore store) {
        this.store = store;
    }

    /** The last result for {@code v}, or {@link #UNCHECKED}. */
    String last(ModelVersion v) {
        return results.getOrDefault(key(v), UNCHECKED);
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
