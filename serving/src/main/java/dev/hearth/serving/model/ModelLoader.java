package dev.hearth.serving.model;

import static dev.hearth.store.ModelFiles.DL4J_MULTILAYER;
import static dev.hearth.store.ModelFiles.MODEL_FILE;

import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a version's model file from the store (SHA-256 verified) and restores the DL4J network. */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final ModelStore store;

    public ModelLoader(ModelStore store) {
        this.store = store;
    }

    /** Loads and verifies one version. */
    public LoadedModel load(ModelVersion version) {
        if (!DL4J_MULTILAYER.equals(version.metadata().framework())) {
            throw new ModelFormatException("model " + version.ref() + " has framework '" + version.metadata().framework()
                    + "' but this server reads '" + DL4J_MULTILAYER + "'");
        }
        long t0 = System.nanoTime();
        byte[] bytes = store.readFile(version, MODEL_FILE);
        MultiLayerNetwork network;
        try {
            network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot restore " + version.ref() + ": " + e.getMessage(), e);
        }
        LOG.info("Loaded {} ({} parameters, {} bytes) in {} ms", version.ref(), network.numParams(), bytes.length,
                (System.nanoTime() - t0) / 1_000_000);
        return new LoadedModel(version, network);
    }
}
