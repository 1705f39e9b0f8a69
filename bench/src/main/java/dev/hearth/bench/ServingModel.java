package dev.hearth.bench;

import dev.hearth.serving.client.InferRequest;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The served model of the serving benchmark: a 784-256-10 dense network trained for one epoch on
 * {@code examples/data/mnist-10k.csv.gz} (a few seconds) and published into a fresh temporary store with the
 * signature and min-max normaliser the server needs, the way the serving tests publish theirs.
 *
 * @param store the temporary store root
 * @param name the model's name in the store
 * @param version the published version
 * @param network the trained network (the bytes published as {@code model.zip})
 * @param normalizer the published normaliser
 * @param rows raw (unnormalised) feature rows of the data set, for request bodies and the ceiling
 */
record ServingModel(
        Path store,
        String name,
        ModelVersion version,
        MultiLayerNetwork network,
        NormalizerSpec normalizer,
        float[][] rows) {
    static final int WIDTH = 784;
    static final int HIDDEN = 256;

    /** Trains and publishes the model; {@code data} is the labelled MNIST CSV (label first). */
    static ServingModel publish(Path data, String name) throws IOException {
        LocalCsv csv = LocalCsv.read(data, 0);
        if (csv.features[0].length != WIDTH) {
            throw new IllegalArgumentException(
                    data + " has " + csv.features[0].length + " features, expected " + WIDTH);
        }
        NormalizerSpec normalizer = PixelNetworks.pixelRange(WIDTH);
        MultiLayerNetwork net = PixelNetworks.network(csv, HIDDEN);
        long t0 = System.nanoTime();
        PixelNetworks.fitOneEpoch(net, csv, normalizer);
        System.out.printf(
                Locale.ROOT,
                "serving: trained 784-256-%d for one epoch on %d rows in %.1f s%n",
                csv.classes,
                csv.labels.length,
                (System.nanoTime() - t0) / 1e9);
        Path store = Files.createTempDirectory("hearth-bench-serving-store");
        List<String> features = new ArrayList<>();
        for (int i = 0; i < WIDTH; i++) {
            features.add("pixel" + i);
        }
        ModelVersion version = PixelNetworks.publish(store, name, net, csv, features, normalizer, "serving");
        return new ServingModel(store, name, version, net, normalizer, csv.features);
    }

    /** The signature (input, labels, normaliser) the model was published with. */
    Signature signature() {
        return version.metadata().signature();
    }

    /** The network as DL4J's {@code ModelSerializer} writes it (the bytes the store holds as {@code model.zip}). */
    byte[] modelZip() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ModelSerializer.writeModel(network, out, false);
        return out.toByteArray();
    }

    /** A single-row OIP v2 inference request for row {@code i} (raw pixel values, as a client sends them). */
    String requestBody(int i) {
        return InferRequest.ofRows(null, rows[i]).toJson();
    }
}
