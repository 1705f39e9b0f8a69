package dev.hearth.bench;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The dense pixel classifiers the serving and runtime benchmarks serve: ReLU hidden layers and a softmax head
 * (seed 42, Adam 1e-3), trained for one epoch in minibatches of 64 on raw 0-255 pixels scaled by a fixed min-max
 * normaliser, and published as a DL4J model with that normaliser in its signature.
 */
final class PixelNetworks {
    private PixelNetworks() {}

    /**
     * The fixed 0..255 pixel range of {@code width} columns: columns that are always 0 in a subset would otherwise
     * get a zero range.
     */
    static NormalizerSpec pixelRange(int width) {
        double[] min = new double[width];
        double[] max = new double[width];
        Arrays.fill(max, 255);
        return new NormalizerSpec(NormalizerSpec.MINMAX, min, max, null, null);
    }

    /** A network of the given hidden widths over {@code csv}'s features, trained for one epoch. */
    static MultiLayerNetwork trainOneEpoch(LocalCsv csv, NormalizerSpec normalizer, int... hidden) {
        MultiLayerNetwork net = network(csv, hidden);
        fitOneEpoch(net, csv, normalizer);
        return net;
    }

    /** A new, initialised network of the given hidden widths from {@code csv}'s features to its classes. */
    static MultiLayerNetwork network(LocalCsv csv, int... hidden) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list();
        int in = csv.features[0].length;
        for (int width : hidden) {
            layers.layer(new DenseLayer.Builder()
                    .nIn(in)
                    .nOut(width)
                    .activation(Activation.RELU)
                    .build());
            in = width;
        }
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(in)
                .nOut(csv.classes)
                .activation(Activation.SOFTMAX)
                .build());
        MultiLayerNetwork net = new MultiLayerNetwork(layers.build());
        net.init();
        return net;
    }

    /** One epoch over {@code csv} in minibatches of 64. */
    static void fitOneEpoch(MultiLayerNetwork net, LocalCsv csv, NormalizerSpec normalizer) {
        for (DataSet b : csv.batches(64, normalizer, 1)) {
            net.fit(b);
        }
    }

    /**
     * Publishes {@code net}, trained on {@code csv}, as the next version of {@code name} in the store at
     * {@code store}: labels "0" to the last class, tagged {@code bench=<bench>}.
     */
    static ModelVersion publish(
            Path store,
            String name,
            MultiLayerNetwork net,
            LocalCsv csv,
            List<String> features,
            NormalizerSpec normalizer,
            String bench) {
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < csv.classes; c++) {
            labels.add(Integer.toString(c));
        }
        int width = csv.features[0].length;
        return HadoopModelStore.open(store.toString(), new Configuration())
                .publish(
                        name,
                        new ModelDraft(
                                ModelFiles.DL4J_MULTILAYER,
                                new Signature("input", "FP32", width, features, labels, normalizer),
                                Map.of(),
                                Map.of(),
                                Map.of(),
                                Map.of("bench", bench),
                                Map.of(ModelFiles.MODEL_FILE, out -> ModelSerializer.writeModel(net, out, false))));
    }
}
