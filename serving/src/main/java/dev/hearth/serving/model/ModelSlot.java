package dev.hearth.serving.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One served model name: its policy, the version currently answering (swapped atomically), its batcher, and
 * why the last candidate version was refused.
 */
public final class ModelSlot {
    private final ServingPolicy policy;
    private final MicroBatcher batcher;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    /** Versions refused (verification, warm-up, budget) with the reason; not retried until a manual reload. */
    private final Map<Integer, String> refused = new ConcurrentHashMap<>();
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
                throw new ModelNotReadyException("model '" + name() + "' has no version loaded"
                        + (problem == null ? "" : ": " + problem));
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

    void refuse(int version, String reason) {
        refused.put(version, reason);
        problem = reason;
    }

    boolean wasRefused(int version) {
        return refused.containsKey(version);
    }

    void clearRefusals() {
        refused.clear();
    }

    void problem(String why) {
        problem = why;
    }

    /** Why the last candidate was not served (or why nothing is served), null when all is well. */
    public String problem() {
        return problem;
    }

    /** Versions that were refused, with the reason. */
    public Map<Integer, String> refused() {
        return Map.copyOf(refused);
    }

    /** Whether the model was unloaded by a management call (the watcher leaves it alone then). */
    public boolean isUnloaded() {
        return unloaded;
    }
}
