package dev.hearth.bench;

import dev.hearth.serving.client.InferRequest;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

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
        // Fixed 0..255 pixel range: columns that are always 0 in this subset would otherwise get a zero range.
        double[] min = new double[WIDTH];
        double[] max = new double[WIDTH];
        java.util.Arrays.fill(max, 255);
        NormalizerSpec normalizer = new NormalizerSpec(NormalizerSpec.MINMAX, min, max, null, null);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(WIDTH)
                        .nOut(HIDDEN)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(HIDDEN)
                        .nOut(csv.classes)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        long t0 = System.nanoTime();
        for (DataSet b : csv.batches(64, normalizer, 1)) {
            net.fit(b);
        }
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
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < csv.classes; c++) {
            labels.add(Integer.toString(c));
        }
        ModelVersion version = HadoopModelStore.open(store.toString(), new Configuration())
                .publish(
                        name,
                        new ModelDraft(
                                ModelFiles.DL4J_MULTILAYER,
                                new Signature("input", "FP32", WIDTH, features, labels, normalizer),
                                Map.of(),
                                Map.of(),
                                Map.of(),
                                Map.of("bench", "serving"),
                                Map.of(ModelFiles.MODEL_FILE, out -> ModelSerializer.writeModel(net, out, false))));
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
