package dev.hearth.runtime.dl4j;

import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelZipGuard;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The one place a DL4J network is restored from bytes: every restore first passes the very bytes it restores
 * through {@link ModelZipGuard}, so no entry Hearth does not write (DL4J would Java-deserialize a
 * {@code preprocessor.bin}) and no zip bomb reaches DL4J.
 */
public final class Dl4jNetworks {
    private Dl4jNetworks() {}

    /**
     * Restores a stored model's network from its {@code model.zip} bytes (no updater state: served models have none).
     *
     * @param what the model, e.g. {@code digits/3}
     * @throws ModelFormatException when the zip holds entries Hearth never writes, is a bomb, or does not restore
     */
    public static MultiLayerNetwork restoreModel(byte[] bytes, String what) {
        return restore(ModelZipGuard.MODEL, bytes, ModelFiles.MODEL_FILE + " of " + what, false);
    }

    /**
     * Restores a network from bytes that {@code guard} allows.
     *
     * @param what the file, named in errors, e.g. {@code network.zip of checkpoint r1}
     * @param loadUpdater whether to restore the updater state too (training checkpoints)
     * @throws ModelFormatException naming what is wrong
     */
    public static MultiLayerNetwork restore(ModelZipGuard guard, byte[] bytes, String what, boolean loadUpdater) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(guard.open(bytes, what), loadUpdater);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot restore the network of " + what + ": " + e.getMessage(), e);
        }
    }
}
