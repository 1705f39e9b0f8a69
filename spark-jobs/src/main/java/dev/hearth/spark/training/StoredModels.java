package dev.hearth.spark.training;

import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.ModelZipGuard;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Loads a stored DL4J model (checksum-verified) for warm starts, evaluation and batch scoring. Every restore first
 * passes the very bytes it restores through {@link ModelZipGuard}: no entry Hearth does not write (DL4J would
 * Java-deserialize a {@code preprocessor.bin}) and no zip bomb reaches DL4J.
 */
public final class StoredModels {
    /** A stored version and its restored network. */
    public record Loaded(ModelVersion version, MultiLayerNetwork network) {}

    private StoredModels() {}

    /** Resolves {@code ref} ({@code name}, {@code name/N}, {@code name@alias}) and restores its network. */
    public static Loaded load(ModelStore store, String ref) {
        ModelVersion v = store.resolve(ModelRef.parse(ref));
        if (!ModelFiles.DL4J_MULTILAYER.equals(v.metadata().framework())) {
            throw new ModelFormatException("model " + v.ref() + " has framework '" + v.metadata().framework()
                    + "'; Hearth's Spark jobs read '" + ModelFiles.DL4J_MULTILAYER + "'");
        }
        return new Loaded(v, restore(store.readFile(v, ModelFiles.MODEL_FILE), v.ref().toString()));
    }

    /**
     * Restores a stored model's network from its {@code model.zip} bytes.
     *
     * @param what the model, e.g. {@code digits/3}
     * @throws ModelFormatException when the zip holds entries Hearth never writes, is a bomb, or does not restore
     */
    public static MultiLayerNetwork restore(byte[] bytes, String what) {
        return restore(ModelZipGuard.MODEL, bytes, ModelFiles.MODEL_FILE + " of " + what);
    }

    /** Restores a training checkpoint's network, with its updater state. */
    public static MultiLayerNetwork restoreCheckpoint(byte[] bytes, String what) {
        return restore(ModelZipGuard.CHECKPOINT, bytes, what);
    }

    private static MultiLayerNetwork restore(ModelZipGuard guard, byte[] bytes, String what) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(guard.open(bytes, what), true);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot restore the network of " + what + ": " + e.getMessage(), e);
        }
    }
}
