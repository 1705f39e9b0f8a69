package dev.hearth.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The files of a stored model as training publishes them: {@code model.zip} from DL4J's {@code ModelSerializer} of
 * a real {@code MultiLayerNetwork} (784-3000-2500-10, about 9.9 M float32 parameters, ~40 MB) and a small
 * {@code evaluation.json}, held in memory so that the store and its baseline write the very same bytes.
 *
 * @param parameters number of network parameters
 * @param files file name to content, model first
 */
record BenchModelFiles(long parameters, Map<String, byte[]> files) {
    static final String MODEL_FILE = "model.zip";

    /** Builds, initialises (fixed seed) and serialises the network; takes a few seconds. */
    static BenchModelFiles build() throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(10_000_000L)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(3000)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(3000)
                        .nOut(2500)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(2500)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        ByteArrayOutputStream zip = new ByteArrayOutputStream(48 << 20);
        ModelSerializer.writeModel(network, zip, false);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MODEL_FILE, zip.toByteArray());
        files.put(dev.hearth.store.EvaluationFile.FILE, evaluationJson());
        return new BenchModelFiles(network.numParams(), files);
    }

    /** Total bytes of all files. */
    long bytes() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    byte[] model() {
        return files.get(MODEL_FILE);
    }

    private static byte[] evaluationJson() {
        StringBuilder s = new StringBuilder("{\"metrics\":{\"accuracy\":0.87},\"confusionMatrix\":[");
        for (int i = 0; i < 10; i++) {
            s.append(i == 0 ? "" : ",").append("[");
            for (int j = 0; j < 10; j++) {
                s.append(j == 0 ? "" : ",").append(i == j ? 870 : 14);
            }
            s.append("]");
        }
        return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
