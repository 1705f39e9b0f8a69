package dev.hearth.runtime.dl4j;

import dev.hearth.runtime.ModelArtifact;
import dev.hearth.runtime.PredictorFactory;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.store.ModelFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Restores {@code dl4j-multilayer} versions ({@code model.zip}) into {@link Dl4jPredictor}s. */
public final class Dl4jPredictorFactory implements PredictorFactory {
    private final RuntimeOptions options;

    public Dl4jPredictorFactory(RuntimeOptions options) {
        this.options = options;
    }

    @Override
    public String framework() {
        return ModelFiles.DL4J_MULTILAYER;
    }

    @Override
    public String modelFile() {
        return ModelFiles.MODEL_FILE;
    }

    @Override
    public Dl4jPredictor open(ModelArtifact artifact) {
        MultiLayerNetwork network = Dl4jNetworks.restoreModel(artifact.bytes(), artifact.what());
        try {
            return new Dl4jPredictor(artifact.what(), artifact.signature(), network, options.denseFastPath());
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }
}
