package dev.hearth.spark.training;

import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Loads a stored DL4J model (checksum-verified) for warm starts, evaluation and batch scoring. */
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

    /** Restores a network from {@code ModelSerializer} bytes (with updater state when present). */
    public static MultiLayerNetwork restore(byte[] bytes, String what) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot restore the network of " + what + ": " + e.getMessage(), e);
        }
    }
}
