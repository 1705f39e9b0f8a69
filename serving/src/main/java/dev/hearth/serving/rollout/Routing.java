package dev.hearth.serving.rollout;

import dev.hearth.serving.model.LoadedModel;
import dev.hearth.serving.model.ModelSlot;

/**
 * The seam between the HTTP layer and a model's rollout: which version answers a request to the model's policy,
 * and what happens after the answer was sent (shadow runs). Never throws for a rollout problem: the primary answers.
 */
public interface Routing {
    /** The header that carries the caller's routing key. */
    String KEY_HEADER = "hearth-routing-key";
    /** The response header that names the version that answered. */
    String VERSION_HEADER = "hearth-model-version";

    /**
     * Chooses the version for a request the model's policy would answer with {@code primary} (acquired). When
     * another version is chosen, {@code primary} is released and the other one returned acquired.
     *
     * @param key the caller's routing key, or null
     * @param requestId the request's {@code id}, or null (used when there is no key)
     */
    Routed route(ModelSlot slot, LoadedModel primary, String key, String requestId);

    /**
     * Called after the answer was sent: may copy the request to the model's shadow target (on a bounded executor
     * that drops work when full; never blocks).
     *
     * @param answered the version that answered (released already: only its version and signature are used)
     */
    void answered(String model, LoadedModel answered, float[] features, int rows, float[] outputs);

    /** No rollout: the policy's version answers, nothing is shadowed. */
    Routing NONE = new Routing() {
        @Override
        public Routed route(ModelSlot slot, LoadedModel primary, String key, String requestId) {
            return new Routed(slot, primary, Routed.PRIMARY);
        }

        @Override
        public void answered(String model, LoadedModel answered, float[] features, int rows, float[] outputs) {}
    };
}
