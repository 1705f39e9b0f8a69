package dev.hearth.serving.model;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One model version in memory, ready for inference: the DL4J network plus the signature and normaliser it was
 * trained with. Inference takes raw features and applies the stored normaliser first.
 */
public final class LoadedModel {
    private final ModelVersion version;
    private final MultiLayerNetwork network;

    public LoadedModel(ModelVersion version, MultiLayerNetwork network) {
        this.version = version;
        this.network = network;
    }

    public ModelVersion version() {
        return version;
    }

    public Signature signature() {
        return version.metadata().signature();
    }

    /**
     * Class probabilities for {@code rows} rows of raw features, laid out row-major in {@code features}.
     *
     * @return {@code rows * classes} probabilities, row-major
     */
    public float[] predict(float[] features, int rows) {
        int width = signature().featureCount();
        if (features.length != rows * width) {
            throw new IllegalArgumentException("expected " + rows * width + " values but got " + features.length);
        }
        float[] x = features.clone();
        for (int r = 0; r < rows; r++) {
            signature().normalizer().apply(x, r * width, width);
        }
        INDArray input = Nd4j.create(x, new long[] {rows, width}, DataType.FLOAT);
        INDArray out;
        // DL4J networks are not safe for concurrent output(): one forward pass at a time per model.
        synchronized (network) {
            out = network.output(input, false);
        }
        return out.castTo(DataType.FLOAT).data().asFloat();
    }

    /** Number of output classes. */
    public int classes() {
        return signature().labelNames().size();
    }
}
