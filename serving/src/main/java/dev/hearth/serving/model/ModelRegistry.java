package dev.hearth.serving.model;

import dev.hearth.runtime.ModelLoadException;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import java.time.Duration;
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
 * A store read error is retried a few times and never remembered; a version whose bytes fail (integrity,
 * format, warm-up), or a swap the budget refused, is remembered as refused (a bounded memory, see
 * {@link ModelSlot}).
 *
 * <p>Other committed versions are served on demand from a bounded {@link VersionCache}, only when
 * {@code serving.versions.on.demand} is on and the caller passes the check it hands in (the HTTP layer asks for
 * the {@code read} scope). Lock order: registry, then load lock, then the version cache's lock, which is never
 * held while loading.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    /** Attempts at a load whose store read fails, the first retry after {@link #FIRST_RETRY_DELAY_MS}, doubling. */
    static final int READ_ATTEMPTS = 3;

    static final long FIRST_RETRY_DELAY_MS = 100;
    /** Version lookups remembered, and for how long (see {@link ResolveCache}). */
    static final int RESOLVE_CACHE_SIZE = 1024;

    static final Duration RESOLVE_TTL = Duration.ofSeconds(2);

    private final ModelStore store;
    private final ModelLoader loader;
    private final List<ServingPolicy> configured;
    private final Function<String, BatchingConfig> batching;
    private final long offHeapBudget;
    private final ModelEvents events;
    private final Map<String, ModelSlot> slots = new ConcurrentHashMap<>();
    private final VersionCache cache;
    private final ResolveCache resolves;
    private final boolean versionsOnDemand;
    private final Object loadLock = new Object();
    private volatile boolean started;
    private final LeaseKeeper leases;

    /**
     * @param configured policies of the models to serve; empty means the latest version of every model in the store
     * @param batching batching limits per model name
     * @param versionCacheSize how many other versions (addressed by number) stay loaded
     * @param versionsOnDemand whether versions other than the served ones are loaded when addressed by number
     * @param offHeapBudget most bytes of model parameters held at once; 0 for no limit
     */
    public ModelRegistry(
            ModelStore store,
            ModelLoader loader,
            List<ServingPolicy> configured,
            Function<String, BatchingConfig> batching,
            int versionCacheSize,
            boolean versionsOnDemand,
            long offHeapBudget,
            ModelEvents events,
            LeaseKeeper leases) {
        this.store = store;
        this.leases = leases;
        this.loader = loader;
        this.configured = List.copyOf(configured);
        this.batching = batching;
        this.offHeapBudget = offHeapBudget;
        this.events = events;
        this.cache = new VersionCache(versionCacheSize);
        this.versionsOnDemand = versionsOnDemand;
        this.resolves = new ResolveCache(store, RESOLVE_CACHE_SIZE, RESOLVE_TTL, System::nanoTime);
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
            String before = slot.problem();
            if (e.isRetryable()) {
                // A store read error, already retried: tried again at the next refresh, never remembered.
                slot.problem(e.getMessage());
            } else {
                // The version's bytes, or the budget (a swap always needs the old and the new model at once).
                slot.refuse(target.version(), e.getMessage());
            }
            if (!e.isRetryable() || !e.getMessage().equals(before)) {
                LOG.error(
                        "Not serving {} version {}: {} (still serving version {}{})",
                        slot.name(),
                        target.version(),
                        e.getMessage(),
                        slot.currentVersion() == 0 ? "none" : slot.currentVersion(),
                        e.isRetryable() ? "; trying again at the next refresh" : "");
            }
        }
    }

    /**
     * Loads one version, retrying a store read error with backoff; the load lock is not held between attempts,
     * so other loads (a hot swap) are not held up by the wait.
     */
    private LoadedModel load(ModelVersion version) {
        for (int attempt = 1; ; attempt++) {
            try {
                return loadOnce(version);
            } catch (ModelLoadException e) {
                if (!e.isRetryable() || attempt >= READ_ATTEMPTS) {
                    events.loadFailed(version.name(), version.version(), e.reason());
                    throw e;
                }
                long delay = FIRST_RETRY_DELAY_MS << (attempt - 1);
                LOG.warn(
                        "Loading {} failed (attempt {} of {}), trying again in {} ms: {}",
                        version.ref(),
                        attempt,
                        READ_ATTEMPTS,
                        delay,
                        e.getMessage());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    events.loadFailed(version.name(), version.version(), e.reason());
                    throw e;
                }
            }
        }
    }

    /** One attempt at loading a version, under the load lock and the off-heap budget. */
    private LoadedModel loadOnce(ModelVersion version) {
        synchronized (loadLock) {
            long needed = loader.declaredBytes(version);
            long inUse = bytesInUse();
            if (offHeapBudget > 0 && inUse + needed > offHeapBudget) {
                throw new ModelLoadException(
                        "budget",
                        "loading " + version.ref() + " needs about " + needed
                                + " bytes but " + inUse
                                + " are in use and the off-heap budget (serving.offheap.budget.bytes)"
                                + " is " + offHeapBudget,
                        null);
            }
            long t0 = System.nanoTime();
            LoadedModel m = loader.load(version);
            events.loaded(version.name(), version.version(), System.nanoTime() - t0);
            return m;
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
        slots.values().stream()
                .filter(s -> !s.isUnloaded() && s.peek() == null)
                .forEach(s -> out.add(s.name() + ": "
                        + (s.problem() == null
                                ? "loading"
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
     * One committed version of a served model, acquired (the caller must release it): the served one when it
     * matches, else (when {@code serving.versions.on.demand} is on and {@code onDemandCheck} passes) loaded on
     * demand into the bounded cache. Concurrent requests for the same version share one load.
     *
     * @param onDemandCheck runs before any other version is looked up or loaded; throws to refuse the caller
     * @throws ModelNotFoundException when the model is not served, the version does not exist, or it is not the
     *     served one and on-demand loading is off
     * @throws ModelLoadException when the version was refused or cannot be loaded now
     */
    public LoadedModel acquireVersion(String name, int version, Runnable onDemandCheck) {
        ModelSlot slot = slot(name);
        while (true) {
            LoadedModel current = slot.peek();
            if (current == null || current.version().version() != version) {
                break;
            }
            if (current.tryAcquire()) {
                return current;
            }
        }
        if (!versionsOnDemand) {
            throw new ModelNotFoundException(
                    "version " + version + " of '" + name + "' is not served here: " + notOnDemand(slot));
        }
        onDemandCheck.run();
        String refused = slot.refusal(version);
        if (refused != null) {
            throw new ModelLoadException(
                    "refused", "version " + version + " of '" + name + "' is not served: " + refused, null);
        }
        ModelVersion target = resolves.resolve(slot.name(), version);
        while (true) {
            LoadedModel m;
            try {
                m = cache.get(slot.name(), version, () -> load(target));
            } catch (ModelLoadException e) {
                if (e.isPermanent()) {
                    slot.refuse(version, e.getMessage());
                }
                throw e;
            }
            if (m.tryAcquire()) {
                return m;
            }
        }
    }

    private static String notOnDemand(ModelSlot slot) {
        int served = slot.currentVersion();
        return (served == 0 ? "this server serves no version of it now" : "this server serves version " + served)
                + " and loads other versions on demand only with serving.versions.on.demand=true";
    }

    /**
     * Why a committed version cannot answer requests here, or null when it can: it is the served one, or it is
     * loaded on demand and was not refused. Does not look at the store.
     *
     * @throws ModelNotFoundException when the model is not served
     */
    public String versionProblem(String name, int version) {
        ModelSlot slot = slot(name);
        if (slot.currentVersion() == version) {
            return null;
        }
        String refused = slot.refusal(version);
        if (refused != null) {
            return refused;
        }
        return versionsOnDemand ? null : notOnDemand(slot);
    }

    /** Committed version numbers of a served model, ascending. */
    public List<Integer> committedVersions(String name) {
        return store.listVersions(slot(name).name()).stream()
                .map(ModelVersion::version)
                .toList();
    }

    /**
     * The stored description of one committed version of a served model (without loading it).
     *
     * @throws ModelNotFoundException when the model is not served or the version does not exist
     */
    public ModelVersion describe(String name, int version) {
        return resolves.resolve(slot(name).name(), version);
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
        cache.close();
        leases.releaseAll();
    }
}
