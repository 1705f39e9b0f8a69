package dev.hearth.spark.training;

import dev.hearth.runtime.dl4j.Dl4jNetworks;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.ModelZipGuard;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Loads a stored DL4J network (checksum-verified) where training needs the network itself: warm starts, training
 * checkpoints and the distributed evaluation. Every restore is model-runtime's ({@link Dl4jNetworks}), which passes
 * the very bytes it restores through {@link ModelZipGuard}. Scoring (predict, the retrain gate, the infra check) runs
 * models through model-runtime's {@code Predictor} instead, as the server does.
 */
public final class StoredModels {
    /** A stored version and its restored network. */
    public record Loaded(ModelVersion version, MultiLayerNetwork network) {}

    private StoredModels() {}

    /** Resolves {@code ref} ({@code name}, {@code name/N}, {@code name@alias}) and restores its network. */
    public static Loaded load(ModelStore store, String ref) {
        ModelVersion v = store.resolve(ModelRef.parse(ref));
        if (!ModelFiles.DL4J_MULTILAYER.equals(v.metadata().framework())) {
            throw new ModelFormatException("model " + v.ref() + " has framework '"
                    + v.metadata().framework() + "'; Hearth's Spark jobs read '" + ModelFiles.DL4J_MULTILAYER + "'");
        }
        return new Loaded(
                v, restore(store.readFile(v, ModelFiles.MODEL_FILE), v.ref().toString()));
    }

    /**
     * Restores a stored model's network from its {@code model.zip} bytes.
     *
     * @param what the model, e.g. {@code digits/3}
     * @throws ModelFormatException when the zip holds entries Hearth never writes, is a bomb, or does not restore
     */
    public static MultiLayerNetwork restore(byte[] bytes, String what) {
        return Dl4jNetworks.restoreModel(bytes, what);
    }

    /** Restores a training checkpoint's network, with its updater state. */
    public static MultiLayerNetwork restoreCheckpoint(byte[] bytes, String what) {
        return Dl4jNetworks.restore(ModelZipGuard.CHECKPOINT, bytes, what, true);
    }
}
