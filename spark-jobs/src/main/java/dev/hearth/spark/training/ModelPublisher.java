package dev.hearth.spark.training;

import static dev.hearth.store.ModelFiles.DL4J_MULTILAYER;
import static dev.hearth.store.ModelFiles.MODEL_FILE;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Publishes a trained DL4J network with its signature, metrics, settings and provenance to the store. */
public final class ModelPublisher {
    private final ModelStore store;

    public ModelPublisher(ModelStore store) {
        this.store = store;
    }

    /** Streams the network into a new version of {@code name}. */
    public ModelVersion publish(
            String name,
            MultiLayerNetwork network,
            Signature signature,
            Map<String, Double> metrics,
            Map<String, String> settings,
            Map<String, Object> provenance) {
        Map<String, ModelDraft.FileWriter> files = new LinkedHashMap<>();
        files.put(MODEL_FILE, out -> ModelSerializer.writeModel(network, out, false));
        return store.publish(
                name, new ModelDraft(DL4J_MULTILAYER, signature, metrics, settings, provenance, Map.of(), files));
    }
}
