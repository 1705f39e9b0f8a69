package dev.hearth.serving.model;

import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this server answers for, by name. Loads the latest committed version of each configured model
 * (or of every model in the store when none is configured).
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final ModelStore store;
    private final ModelLoader loader;
    private final List<String> configured;
    private final Map<String, LoadedModel> models = new ConcurrentHashMap<>();
    private volatile boolean ready;

    /**
     * @param configured model names to serve; empty means every model in the store
     */
    public ModelRegistry(ModelStore store, ModelLoader loader, List<String> configured) {
        this.store = store;
        this.loader = loader;
        this.configured = configured.stream().map(n -> ModelNames.validate("serving.models entry", n)).toList();
    }

    /** Loads every served model; the registry is ready once all loaded. */
    public void loadAll() {
        List<String> names = configured.isEmpty() ? store.listModels() : configured;
        for (String name : names) {
            LoadedModel m = loader.load(store.resolve(new ModelRef(name, 0)));
            models.put(name, m);
            LOG.info("Serving {} version {}", name, m.version().version());
        }
        ready = true;
    }

    /** Whether every configured model is loaded. */
    public boolean isReady() {
        return ready;
    }

    /**
     * The model served under {@code name}.
     *
     * @throws ModelNotFoundException when it is not served here
     */
    public LoadedModel get(String name) {
        ModelNames.validate("model name", name);
        LoadedModel m = models.get(name);
        if (m == null) {
            throw new ModelNotFoundException("model '" + name + "' is not served here (serving " + models.keySet() + ")");
        }
        return m;
    }

    /** Names of the models being served. */
    public List<String> names() {
        return models.keySet().stream().sorted().toList();
    }
}
