package dev.hearth.spark.training;

import static dev.hearth.spark.training.TrainSettings.NETWORK_ACTIVATION;
import static dev.hearth.spark.training.TrainSettings.NETWORK_HIDDEN;
import static dev.hearth.spark.training.TrainSettings.NETWORK_L2;
import static dev.hearth.spark.training.TrainSettings.NETWORK_LEARNING_RATE;
import static dev.hearth.spark.training.TrainSettings.NETWORK_SEED;
import static dev.hearth.spark.training.TrainSettings.NETWORK_UPDATER;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Builds a dense classification network (hidden layers, softmax head, cross-entropy loss) from settings. */
public final class NetworkFactory {
    private static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "leakyrelu", "elu");
    private static final List<String> UPDATERS = List.of("adam", "sgd", "nesterovs");

    private NetworkFactory() {}

    /** The network for {@code inputs} features and {@code classes} output classes. */
    public static MultiLayerConfiguration classifier(Settings s, int inputs, int classes) {
        List<Integer> hidden = s.getIntList(NETWORK_HIDDEN);
        Activation activation = Activation.valueOf(s.getChoice(NETWORK_ACTIVATION, ACTIVATIONS).toUpperCase());
        double lr = s.getDouble(NETWORK_LEARNING_RATE, 1e-9, 10);
        double l2 = s.getDouble(NETWORK_L2, 0, 10);
        IUpdater updater = switch (s.getChoice(NETWORK_UPDATER, UPDATERS)) {
            case "sgd" -> new Sgd(lr);
            case "nesterovs" -> new Nesterovs(lr, 0.9);
            default -> new Adam(lr);
        };
        if (classes < 2) {
            throw new SettingsException("a classifier needs at least 2 classes but the data has " + classes);
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(s.getLong(NETWORK_SEED))
                .dataType(DataType.FLOAT)
                .updater(updater)
                .l2(l2)
                .weightInit(activation == Activation.RELU || activation == Activation.LEAKYRELU
                        ? WeightInit.RELU : WeightInit.XAVIER)
                .list();
        int in = inputs;
        int layer = 0;
        for (int units : hidden) {
            list.layer(layer++, new DenseLayer.Builder().nIn(in).nOut(units).activation(activation).build());
            in = units;
        }
        list.layer(layer, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(in)
                .nOut(classes)
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build());
        return list.build();
    }
}
