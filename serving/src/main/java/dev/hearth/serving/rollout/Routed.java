package dev.hearth.serving.rollout;

import dev.hearth.serving.model.LoadedModel;
import dev.hearth.serving.model.ModelSlot;

/**
 * Where one request runs: the slot whose batcher runs it and the version, acquired (released when its forward
 * pass ends, as for any request).
 *
 * @param slot the slot (the model's own, or a rollout target's)
 * @param model the acquired version
 * @param role {@code primary} or {@code canary}
 */
public record Routed(ModelSlot slot, LoadedModel model, String role) {
    public static final String PRIMARY = "primary";
    public static final String CANARY = "canary";
}
