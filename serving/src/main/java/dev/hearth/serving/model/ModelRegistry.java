package dev.hearth.serving.model;

import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this server answers for, by name, each following its {@link ServingPolicy}. {@link #refresh()}
 * (called at start and by the {@link StoreWatcher}) resolves every policy against the store and hot-swaps in
 * new versions: load and verify, warm up, swap atomically, retire the old one. One load runs at a time, so a
 * swap holds at most the old and the new model, and a load that would exceed the off-heap budget is refused.
 * Other committed versions are served on demand from a bounded {@link VersionCache}.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final ModelStore store;
    private final ModelLoader loader;
    private final List<ServingPolicy> configured;
    private final Function<String, BatchingConfig> batching;
    private final long offHeapBudget;
    private final ModelEvents events;
    private final Map<String, ModelSlot> slots = new ConcurrentHashMap<>();
    private final VersionCache cache;
    private final Object loadLock = new Object();
    private volatile boolean started;
    private final LeaseKeeper leases;

    /**
     * @param configured policies of the models to serve; empty means the latest version of every model in the store
     * @param batching batching limits per model name
     * @param versionCacheSize how many other versions (addressed by number) stay loaded
     * @param offHeapBudget most bytes of model parameters held at once; 0 for no limit
     */
    public ModelRegistry(ModelStore store, ModelLoader loader, List<ServingPolicy> configured,
            Function<String, BatchingConfig> batching, int versionCacheSize, long offHeapBudget, ModelEvents events,
            LeaseKeeper leases) {
        this.store = store;
        this.leases = leases;
        this.loader = loader;
        this.configured = List.copyOf(configured);
        this.batching = batching;
        this.offHeapBudget = offHeapBudget;
        this.events = events;
        this.cache = new VersionCache(versionCacheSize);
        for (ServingPolicy p : configured) {
            if (slots.containsKey(p.name())) {
                throw new IllegalArgumentException("serving.models lists '" + p.name() + "' twice");
            }
            addSlot(p);
        }
    }

    private ModelSlot addSlot(ServingPolicy policy) {
        ModelSlot slot = new ModelSlot(policy, new MicroBatcher(policy.name(), batching.apply(policy.name()), events));
        slots.put(policy.name(), slot);
        events.slotAdded(slot);
        return slot;
    }

    /** Resolves every policy and swaps in new versions; problems are recorded per model and logged. */
    public synchronized void refresh() {
        if (configured.isEmpty()) {
            for (String name : store.listModels()) {
                if (!slots.containsKey(name)) {
                    addSlot(new ServingPolicy(name, ServingPolicy.Kind.LATEST, 0, null));
                }
            }
        }
        for (ModelSlot slot : slots.values()) {
            if (!slot.isUnloaded()) {
                refresh(slot);
            }
        }
        started = true;
        leases.renew(servedVersions());
    }

    /** The version each model slot serves now, 0 when none. */
    private Map<String, Integer> servedVersions() {
        Map<String, Integer> served = new java.util.LinkedHashMap<>();
        slots.forEach((name, slot) -> served.put(name, slot.currentVersion()));
        return served;
    }

    private void refresh(ModelSlot slot) {
        ModelVersion target;
        try {
            target = store.resolve(slot.policy().ref());
        } catch (ModelStoreException | IllegalArgumentException e) {
            if (slot.problem() == null || !slot.problem().equals(e.getMessage())) {
                LOG.warn("Cannot resolve {}: {}", slot.policy(), e.getMessage());
            }
            slot.problem("cannot resolve " + slot.policy() + ": " + e.getMessage());
            return;
        }
        if (target.version() == slot.currentVersion() || slot.wasRefused(target.version())) {
            return;
        }
        try {
            LoadedModel next = load(target);
            int previous = slot.currentVersion();
            slot.swap(next);
            if (previous == 0) {
                LOG.info("Serving {} version {}", slot.name(), target.version());
            } else {
                LOG.info("Swapped {} from version {} to {}", slot.name(), previous, target.version());
            }
        } catch (ModelLoadException e) {
            slot.refuse(target.version(), e.getMessage());
            LOG.error("Not serving {} version {}: {} (still serving version {})", slot.name(), target.version(),
                    e.getMessage(), slot.currentVersion() == 0 ? "none" : slot.currentVersion());
        }
    }

    /** Loads one version under the load lock and the off-heap budget. */
    private LoadedModel load(ModelVersion version) {
        synchronized (loadLock) {
            long needed = ModelLoader.declaredBytes(version);
            long inUse = bytesInUse();
            if (offHeapBudget > 0 && inUse + needed > offHeapBudget) {
                String msg = "loading " + version.ref() + " needs about " + needed + " bytes but " + inUse
                        + " are in use and the off-heap budget (serving.offheap.budget.bytes) is " + offHeapBudget;
                events.loadFailed(version.name(), version.version(), "budget");
                throw new ModelLoadException("budget", msg, null);
            }
            long t0 = System.nanoTime();
            try {
                LoadedModel m = loader.load(version);
                events.loaded(version.name(), version.version(), System.nanoTime() - t0);
                return m;
            } catch (ModelLoadException e) {
                events.loadFailed(version.name(), version.version(), e.reason());
                throw e;
            }
        }
    }

    private long bytesInUse() {
        long sum = cache.bytes();
        for (ModelSlot s : slots.values()) {
            LoadedModel m = s.peek();
            sum += m == null ? 0 : m.bytes();
        }
        return sum;
    }

    /** Whether the first refresh ran and every served model has a version loaded. */
    public boolean isReady() {
        return started && slots.values().stream().allMatch(s -> s.isUnloaded() || s.peek() != null);
    }

    /**
     * Why the server is not ready, one entry per model without a version, in words fit for anyone (readiness is
     * open without a token): "loading" or "no version could be served". The details (store paths, exception
     * messages) were logged when they happened and are in the model's metadata ({@link ModelSlot#problem()}).
     */
    public List<String> notReadyReasons() {
        List<String> out = new ArrayList<>();
        if (!started) {
            out.add("models are still loading");
        }
        slots.values().stream().filter(s -> !s.isUnloaded() && s.peek() == null)
                .forEach(s -> out.add(s.name() + ": " + (s.problem() == null ? "loading"
                        : "no version could be served (details in the server log and the model's metadata)")));
        return out;
    }

    /**
     * The slot serving {@code name}.
     *
     * @throws ModelNotFoundException when it is not served here
     */
    public ModelSlot slot(String name) {
        ModelSlot s = slots.get(name);
        if (s == null) {
            // Served names are valid; an unknown one gets the name rule's message if it breaks it.
            ModelNames.validate("model name", name);
            throw new ModelNotFoundException("model '" + name + "' is not served here (serving " + names() + ")");
        }
        return s;
    }

    /**
     * One committed version of a served model, acquired (the caller must release it): the current one when it
     * matches, else loaded on demand into the bounded cache.
     *
     * @throws ModelNotFoundException when the model is not served or the version does not exist
     */
    public LoadedModel acquireVersion(String name, int version) {
        ModelSlot slot = slot(name);
        LoadedModel current = slot.peek();
        if (current != null && current.version().version() == version && current.tryAcquire()) {
            return current;
        }
        ModelVersion target = store.resolve(new ModelRef(name, version));
        String refused = slot.refused().get(version);
        if (refused != null) {
            throw new ModelLoadException("refused", "version " + version + " of '" + name + "' is not served: "
                    + refused, null);
        }
        while (true) {
            LoadedModel m;
            try {
                m = cache.get(name, version, () -> load(target));
            } catch (ModelLoadException e) {
                if (!"budget".equals(e.reason())) {
                    slot.refuse(version, e.getMessage());
                }
                throw e;
            }
            if (m.tryAcquire()) {
                return m;
            }
        }
    }

    /** Committed version numbers of a served model, ascending. */
    public List<Integer> committedVersions(String name) {
        return store.listVersions(slot(name).name()).stream().map(ModelVersion::version).toList();
    }

    /**
     * The stored description of one committed version of a served model (without loading it).
     *
     * @throws ModelNotFoundException when the model is not served or the version does not exist
     */
    public ModelVersion describe(String name, int version) {
        return store.resolve(new ModelRef(slot(name).name(), version));
    }

    /** Loads the version the policy points at now (management "load"); clears earlier refusals. */
    public synchronized void reload(String name) {
        ModelSlot slot = slot(name);
        slot.clearRefusals();
        slot.resume();
        refresh(slot);
    }

    /** Stops serving a model until it is reloaded (management "unload"). */
    public synchronized void unload(String name) {
        ModelSlot slot = slot(name);
        slot.swap(null);
        cache.evict(name);
        LOG.info("Unloaded {}", name);
    }

    /** Names of the models being served, sorted. */
    public List<String> names() {
        return slots.keySet().stream().sorted().toList();
    }

    /** Finishes queued requests and releases every model. */
    @Override
    public void close() {
        slots.values().forEach(s -> s.batcher().close());
        slots.values().forEach(s -> s.swap(null));
        cache.evict(null);
        leases.releaseAll();
    }
}
