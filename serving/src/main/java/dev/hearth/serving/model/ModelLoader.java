package dev.hearth.serving.model;

import dev.hearth.runtime.ModelLoadException;
import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;

/**
 * Loads versions for serving through the {@link ModelRuntime}: reads the model file from the store (SHA-256
 * verified), restores it for its framework and runs the load-time probe; a version that fails any step is refused
 * with a {@link ModelLoadException} naming the reason. The result is a {@link LoadedModel} the registry counts users
 * of.
 */
public final class ModelLoader {
    private final ModelStore store;
    private final ModelRuntime runtime;

    public ModelLoader(ModelStore store, ModelRuntime runtime) {
        this.store = store;
        this.runtime = runtime;
    }

    /** @param denseFastPath run plain dense networks on the dense forward pass ({@code serving.dense.fast.path}) */
    public ModelLoader(ModelStore store, boolean denseFastPath) {
        this(store, ModelRuntime.standard(new RuntimeOptions(denseFastPath, 0)));
    }

    /** Loads, verifies and warms up one version. */
    public LoadedModel load(ModelVersion version) {
        return new LoadedModel(version, runtime.load(store, version));
    }

    /** The size the model file declares, an estimate of what loading it will take, checked before loading. */
    public long declaredBytes(ModelVersion version) {
        return runtime.declaredBytes(version);
    }
}
