package dev.hearth.runtime;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small real DL4J networks (randomly initialised) and their signatures, for the runtime's tests. */
public final class TestNetworks {
    private TestNetworks() {}

    /** A 4-8-{@code outputs} network; softmax for a classifier, identity for regression. */
    public static MultiLayerNetwork network(long seed, int outputs, boolean classifier) {
        return network(seed, 4, 8, outputs, classifier, null);
    }

    /**
     * An {@code inputs}-{@code hidden}-{@code outputs} network (ReLU hidden layer); softmax and cross-entropy for a
     * classifier, identity and MSE for regression.
     *
     * @param updater the optimiser, or null for DL4J's default
     */
    public static MultiLayerNetwork network(
            long seed, int inputs, int hidden, int outputs, boolean classifier, IUpdater updater) {
        NeuralNetConfiguration.Builder builder =
                new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT);
        if (updater != null) {
            builder.updater(updater);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(builder.list()
                .layer(new DenseLayer.Builder()
                        .nIn(inputs)
                        .nOut(hidden)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(
                                classifier ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE)
                        .nIn(hidden)
                        .nOut(outputs)
                        .activation(classifier ? Activation.SOFTMAX : Activation.IDENTITY)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** A 4-8-3 classifier over labels a, b, c. */
    public static MultiLayerNetwork classifier(long seed) {
        return network(seed, 3, true);
    }

    /** Labels a, b, c and a min-max normaliser over [0, 10] per feature. */
    public static Signature classification() {
        return new Signature(
                "input",
                "FP32",
                4,
                List.of("f0", "f1", "f2", "f3"),
                List.of("a", "b", "c"),
                new NormalizerSpec("minmax", new double[] {0, 0, 0, 0}, new double[] {10, 10, 10, 10}, null, null));
    }

    /** One target {@code area}, standardised for training with mean 100 and standard deviation 20. */
    public static Signature regression() {
        return Signature.regression(
                "input",
                4,
                List.of("f0", "f1", "f2", "f3"),
                new NormalizerSpec("standardize", null, null, new double[] {1, 2, 3, 4}, new double[] {2, 2, 2, 2}),
                List.of("area"),
                new NormalizerSpec("standardize", null, null, new double[] {100}, new double[] {20}));
    }

    /** The network as DL4J's {@code ModelSerializer} writes it: the bytes a version stores as {@code model.zip}. */
    public static byte[] zip(MultiLayerNetwork net) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Publishes {@code net} as a new version of {@code name} with {@code signature}. */
    public static ModelVersion publish(
            ModelStore store, String name, String framework, Signature signature, MultiLayerNetwork net) {
        return publish(store, name, framework, signature, zip(net));
    }

    /**
     * Publishes a new version of {@code name} whose model file holds {@code modelFile} (a network's zip, or any
     * bytes a test needs there), without metrics, tags or other files.
     */
    public static ModelVersion publish(
            ModelStore store, String name, String framework, Signature signature, byte[] modelFile) {
        return store.publish(
                name,
                new ModelDraft(
                        framework,
                        signature,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(ModelFiles.MODEL_FILE, out -> out.write(modelFile))));
    }
}
