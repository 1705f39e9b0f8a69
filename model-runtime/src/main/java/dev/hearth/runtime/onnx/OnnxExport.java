package dev.hearth.runtime.onnx;

import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.ModelZipGuard;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A stored version as ONNX bytes: a DL4J dense network converted ({@link DenseOnnxExporter}, checked against DL4J
 * on probe rows first), an ONNX version as stored. {@code hearth models export} and tests call it.
 */
public final class OnnxExport {
    private OnnxExport() {}

    /**
     * The version's ONNX bytes.
     *
     * @throws IllegalArgumentException the version's framework cannot be exported
     * @throws ModelRefusedException the network cannot be restored or converted
     */
    public static byte[] bytes(ModelStore store, ModelVersion v) {
        String framework = v.metadata().framework();
        if (ModelFiles.ONNX.equals(framework)) {
            return store.readFile(v, ModelFiles.ONNX_FILE);
        }
        if (ModelFiles.DL4J_MULTILAYER.equals(framework)) {
            return convert(store, v);
        }
        throw new IllegalArgumentException(v.ref() + " has framework '" + framework + "'; only "
                + ModelFiles.DL4J_MULTILAYER + " and " + ModelFiles.ONNX + " versions can be exported");
    }

    private static byte[] convert(ModelStore store, ModelVersion v) {
        byte[] zip = store.readFile(v, ModelFiles.MODEL_FILE);
        MultiLayerNetwork network;
        try {
            network = ModelSerializer.restoreMultiLayerNetwork(
                    ModelZipGuard.MODEL.open(zip, ModelFiles.MODEL_FILE + " of " + v.ref()), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelRefusedException("cannot restore " + v.ref() + ": " + e.getMessage(), e);
        }
        try {
            return DenseOnnxExporter.export(
                    network, v.metadata().signature(), v.ref().toString(), v.version());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        } finally {
            network.close();
        }
    }
}
