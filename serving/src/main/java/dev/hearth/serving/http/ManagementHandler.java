package dev.hearth.serving.http;

import dev.hearth.serving.model.ModelNotReadyException;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.ModelSlot;
import io.javalin.http.Context;

/**
 * Management endpoints (off unless {@code server.management.enabled}; scope {@code manage}):
 * {@code POST /v2/repository/models/{name}/load} re-resolves the policy now and loads what it points at, also
 * retrying refused versions; {@code POST /v2/repository/models/{name}/unload} stops serving the model.
 */
public final class ManagementHandler {
    private final ModelRegistry registry;

    public ManagementHandler(ModelRegistry registry) {
        this.registry = registry;
    }

    public void load(Context ctx) {
        String name = ctx.pathParam("name");
        registry.reload(name);
        ModelSlot slot = registry.slot(name);
        if (slot.peek() == null) {
            throw new ModelNotReadyException("model '" + name + "' could not be loaded: " + slot.problem());
        }
        ctx.contentType("application/json")
                .result("{\"name\":\"" + name + "\",\"version\":\"" + slot.currentVersion() + "\",\"loaded\":true}");
    }

    public void unload(Context ctx) {
        String name = ctx.pathParam("name");
        registry.unload(name);
        ctx.contentType("application/json").result("{\"name\":\"" + name + "\",\"unloaded\":true}");
    }
}
