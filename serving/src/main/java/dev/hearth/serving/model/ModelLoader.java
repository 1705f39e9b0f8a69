package dev.hearth.serving.model;

import static dev.hearth.store.ModelFiles.DL4J_MULTILAYER;
import static dev.hearth.store.ModelFiles.MODEL_FILE;

import dev.hearth.store.IntegrityException;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.ModelZipGuard;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a version's model file from the store (SHA-256 verified), restores the DL4J network and runs a warm-up
 * inference; a version that fails any step is refused with a {@link ModelLoadException} naming the reason.
 */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final ModelStore store;
    private final boolean denseFastPath;

    /** @param denseFastPath run plain dense networks on {@link DenseForwardPass} ({@code serving.dense.fast.path}) */
    public ModelLoader(ModelStore store, boolean denseFastPath) {
        this.store = store;
        this.denseFastPath = denseFastPath;
    }

    /** Loads, verifies and warms up one version. */
    public LoadedModel load(ModelVersion version) {
        if (!DL4J_MULTILAYER.equals(version.metadata().framework())) {
            throw new ModelLoadException("format", "model " + version.ref() + " has framework '"
                    + version.metadata().framework() + "' but this server reads '" + DL4J_MULTILAYER + "'", null);
        }
        long t0 = System.nanoTime();
        byte[] bytes;
        try {
            bytes = store.readFile(version, MODEL_FILE);
        } catch (IntegrityException e) {
            throw new ModelLoadException("integrity", "version " + version.ref() + " failed SHA-256 verification: "
                    + e.getMessage(), e);
        } catch (KeyUnavailableException e) {
            // The message names the master key and version; a key provider that cannot be reached may come back.
            throw new ModelLoadException(e.getCause() instanceof IOException ? "read" : "key", e.getMessage(), e);
        } catch (ModelStoreException e) {
            // Only an I/O error may pass when tried again; any other refusal by the store is about the version.
            String reason = e.getCause() instanceof IOException ? "read" : "format";
            throw new ModelLoadException(reason, "cannot read " + version.ref() + ": " + e.getMessage(), e);
        }
        MultiLayerNetwork network;
        try {
            network = ModelSerializer.restoreMultiLayerNetwork(
                    ModelZipGuard.MODEL.open(bytes, MODEL_FILE + " of " + version.ref()), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("format", "cannot restore " + version.ref() + ": " + e.getMessage(), e);
        }
        LoadedModel model = new LoadedModel(version, network, denseFastPath);
        warmUp(model);
        LOG.info("Loaded {} ({} parameters, {} bytes) and warmed it up in {} ms", version.ref(), network.numParams(),
                bytes.length, (System.nanoTime() - t0) / 1_000_000);
        return model;
    }

    /** The size the model file declares, an estimate of what loading it will take, checked before loading. */
    public static long declaredBytes(ModelVersion version) {
        var entry = version.metadata().files() == null ? null : version.metadata().files().get(MODEL_FILE);
        return entry == null ? 0 : entry.size();
    }

    private static void warmUp(LoadedModel model) {
        int width = model.signature().featureCount();
        float[] out;
        try {
            out = model.predict(new float[width], 1);
        } catch (RuntimeException e) {
            model.retire();
            throw new ModelLoadException("warmup", "warm-up inference of " + model.version().ref() + " failed: "
                    + e.getMessage(), e);
        }
        String problem = null;
        if (out.length != model.outputWidth()) {
            problem = "it returned " + out.length + " values but the signature has " + model.outputWidth()
                    + (model.signature().isRegression() ? " targets " + model.signature().targets() : " labels");
        } else {
            for (float v : out) {
                if (!Float.isFinite(v)) {
                    problem = "it returned a non-finite value " + v;
                    break;
                }
            }
        }
        if (problem != null) {
            model.retire();
            throw new ModelLoadException("warmup", "warm-up inference of " + model.version().ref() + " failed: "
                    + problem, null);
        }
    }
}
