package dev.hearth.serving.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One served model name: its policy, the version currently answering (swapped atomically), its batcher, and
 * why candidate versions were refused.
 */
public final class ModelSlot {
    /**
     * Most refusals remembered per model. Only versions whose bytes are at fault are remembered and each takes a
     * load to find, but on-demand loads let callers pick versions: the memory must not grow with them. A
     * forgotten refusal costs one more failed load.
     */
    static final int MAX_REFUSALS = 32;

    private final ServingPolicy policy;
    private final MicroBatcher batcher;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    /**
     * Versions refused for good (integrity, format, warm-up; a swap the budget refused) with the reason, oldest
     * first; not loaded again until a manual reload. Guarded by itself.
     */
    private final LinkedHashMap<Integer, String> refused = new LinkedHashMap<>();

    private volatile String problem;
    private volatile boolean unloaded;

    public ModelSlot(ServingPolicy policy, MicroBatcher batcher) {
        this.policy = policy;
        this.batcher = batcher;
    }

    public String name() {
        return policy.name();
    }

    public ServingPolicy policy() {
        return policy;
    }

    public MicroBatcher batcher() {
        return batcher;
    }

    /** The model answering now, or null when none is loaded. Not acquired: for reading metadata only. */
    public LoadedModel peek() {
        return current.get();
    }

    /** The current version number, 0 when none is loaded. */
    public int currentVersion() {
        LoadedModel m = current.get();
        return m == null ? 0 : m.version().version();
    }

    /**
     * The current model, acquired (the caller must {@link LoadedModel#release()} it).
     *
     * @throws ModelNotReadyException when no version is loaded
     */
    public LoadedModel acquire() {
        while (true) {
            LoadedModel m = current.get();
            if (m == null) {
                throw new ModelNotReadyException(
                        "model '" + name() + "' has no version loaded" + (problem == null ? "" : ": " + problem));
            }
            if (m.tryAcquire()) {
                return m;
            }
        }
    }

    /** Installs {@code next} as the current model; the previous one is retired (freed after its last request). */
    void swap(LoadedModel next) {
        LoadedModel old = current.getAndSet(next);
        problem = null;
        unloaded = next == null;
        if (old != null && old != next) {
            old.retire();
        }
    }

    /** Lets the watcher load this model again after an unload. */
    void resume() {
        unloaded = false;
    }

    /** Remembers that {@code version} is refused for good; the oldest refusal is forgotten beyond the bound. */
    void refuse(int version, String reason) {
        synchronized (refused) {
            refused.remove(version);
            refused.put(version, reason);
            if (refused.size() > MAX_REFUSALS) {
                refused.remove(refused.keySet().iterator().next());
            }
        }
        problem = reason;
    }

    boolean wasRefused(int version) {
        return refusal(version) != null;
    }

    /** Why {@code version} was refused for good, or null. */
    public String refusal(int version) {
        synchronized (refused) {
            return refused.get(version);
        }
    }

    void clearRefusals() {
        synchronized (refused) {
            refused.clear();
        }
    }

    void problem(String why) {
        problem = why;
    }

    /** Why the last candidate was not served (or why nothing is served), null when all is well. */
    public String problem() {
        return problem;
    }

    /** Versions that were refused for good (at most {@link #MAX_REFUSALS}, the latest), with the reason. */
    public Map<Integer, String> refused() {
        synchronized (refused) {
            return Map.copyOf(refused);
        }
    }

    /** Whether the model was unloaded by a management call (the watcher leaves it alone then). */
    public boolean isUnloaded() {
        return unloaded;
    }
}
