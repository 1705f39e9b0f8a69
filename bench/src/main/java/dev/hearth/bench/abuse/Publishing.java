package dev.hearth.bench.abuse;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import java.util.Map;

/** Publishes model bytes through the store API, as a training job (or an attacker with store access) would. */
final class Publishing {
    private final ModelStore store;
    private final Signature signature;

    Publishing(ModelStore store, Signature signature) {
        this.store = store;
        this.signature = signature;
    }

    ModelStore store() {
        return store;
    }

    /** Publishes {@code zip} as the next version of {@code name}, tagged with {@code what}. */
    ModelVersion publish(String name, byte[] zip, String what) {
        return store.publish(
                name,
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER,
                        signature,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of("bench", "abuse", "content", what),
                        Map.of(ModelFiles.MODEL_FILE, out -> out.write(zip))));
    }
}
