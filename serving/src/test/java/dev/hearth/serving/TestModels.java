package dev.hearth.serving;

import dev.hearth.runtime.dl4j.Dl4jPredictor;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Publishes small real DL4J networks (randomly initialised) into a store for serving tests. */
public final class TestModels {
    private TestModels() {}

    /** A 4-8-3 classifier over features f0..f3 with labels a, b, c and a min-max normaliser. */
    public static MultiLayerNetwork network(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** The signature published with {@link #network}. */
    public static Signature signature() {
        return new Signature(
                "input",
                "FP32",
                4,
                List.of("f0", "f1", "f2", "f3"),
                List.of("a", "b", "c"),
                new NormalizerSpec("minmax", new double[] {0, 0, 0, 0}, new double[] {10, 10, 10, 10}, null, null));
    }

    /** {@code net} served as {@code version}, on the dense forward pass or DL4J's {@code output()}. */
    public static LoadedModel loaded(ModelVersion version, MultiLayerNetwork net, boolean denseFastPath) {
        return new LoadedModel(
                version,
                new Dl4jPredictor(version.ref().toString(), version.metadata().signature(), net, denseFastPath));
    }

    /** Publishes a new version of {@code name}. */
    public static ModelVersion publish(ModelStore store, String name, MultiLayerNetwork net) {
        return store.publish(
                name,
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER,
                        signature(),
                        Map.of("accuracy", 0.5),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(ModelFiles.MODEL_FILE, out -> ModelSerializer.writeModel(net, out, false))));
    }

    /** A store on the local file system in {@code dir/store}, with Hadoop's default configuration. */
    public static HadoopModelStore localStore(Path dir) {
        return HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
    }
}
