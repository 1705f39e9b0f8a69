package dev.hearth.serving.model;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Versions addressed by number ({@code /versions/{v}}) that are not the current one, loaded on demand and kept
 * in a least-recently-used cache of bounded size; evicted versions are retired (freed after their last request).
 */
final class VersionCache {
    private final int capacity;
    private final LinkedHashMap<String, LoadedModel> models = new LinkedHashMap<>(16, 0.75f, true);

    VersionCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("version cache size must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
    }

    /** The cached version, or the one {@code loader} loads (then cached, evicting the least recently used). */
    synchronized LoadedModel get(String name, int version, Supplier<LoadedModel> loader) {
        String key = name + "/" + version;
        LoadedModel m = models.get(key);
        if (m != null && !m.isReleased()) {
            return m;
        }
        m = loader.get();
        models.put(key, m);
        while (models.size() > capacity) {
            Iterator<Map.Entry<String, LoadedModel>> eldest = models.entrySet().iterator();
            eldest.next().getValue().retire();
            eldest.remove();
        }
        return m;
    }

    /** Retires every cached version of {@code name} (all when null). */
    synchronized void evict(String name) {
        models.entrySet().removeIf(e -> {
            boolean match = name == null || e.getKey().startsWith(name + "/");
            if (match) {
                e.getValue().retire();
            }
            return match;
        });
    }

    /** Bytes of parameters held by cached versions. */
    synchronized long bytes() {
        return models.values().stream().mapToLong(LoadedModel::bytes).sum();
    }
}
