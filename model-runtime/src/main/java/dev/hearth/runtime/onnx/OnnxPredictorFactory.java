package dev.hearth.runtime.onnx;

import dev.hearth.runtime.ModelArtifact;
import dev.hearth.runtime.Predictor;
import dev.hearth.runtime.PredictorFactory;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.store.ModelFiles;

/**
 * Restores {@code onnx} versions ({@code model.onnx}) into {@link OnnxPredictor}s, one ONNX Runtime session each,
 * with {@link RuntimeOptions#intraOpThreads()} threads per inference (the engine's default, 1 per core, when 0). A
 * feature-rows signature (one FP32 {@code [-1, n]} input, one FP32 {@code [-1, k]} output) comes back as an
 * {@link OnnxRowPredictor}, so the server micro-batches it and Spark scores it like a Hearth-trained model.
 */
public final class OnnxPredictorFactory implements PredictorFactory {
    private final int intraOpThreads;

    public OnnxPredictorFactory(RuntimeOptions options) {
        this.intraOpThreads = options.intraOpThreads() > 0
                ? options.intraOpThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String framework() {
        return ModelFiles.ONNX;
    }

    @Override
    public String modelFile() {
        return ModelFiles.ONNX_FILE;
    }

    @Override
    public Predictor open(ModelArtifact artifact) {
        OnnxPredictor predictor =
                OnnxPredictor.open(artifact.bytes(), artifact.signature(), intraOpThreads, artifact.what());
        return OnnxRowPredictor.fits(artifact.signature())
                ? new OnnxRowPredictor(predictor, artifact.signature())
                : predictor;
    }
}
