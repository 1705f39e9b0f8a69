package dev.hearth.serving;

import dev.hearth.runtime.TestNetworks;
import dev.hearth.runtime.dl4j.Dl4jPredictor;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Publishes small real DL4J networks (randomly initialised) into a store for serving tests. */
public final class TestModels {
    private TestModels() {}

    /** A 4-8-3 classifier over features f0..f3 with labels a, b, c and a min-max normaliser. */
    public static MultiLayerNetwork network(long seed) {
        return TestNetworks.classifier(seed);
    }

    /** The signature published with {@link #network}. */
    public static Signature signature() {
        return TestNetworks.classification();
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
