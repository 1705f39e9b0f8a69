package dev.hearth.spark.network;

import dev.hearth.config.SettingsException;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** Builds the DL4J configuration of a {@link NetworkSpec} for a dataset's feature count and outputs. */
public final class NetworkBuilder {
    private NetworkBuilder() {}

    /**
     * The configuration for {@code features} inputs and {@code outputs} outputs (classes, or 1 for regression).
     * An empty input shape means {@code [features]}.
     */
    public static MultiLayerConfiguration build(NetworkSpec spec, int features, int outputs) {
        return build(spec, features, outputs, null);
    }

    /**
     * As {@link #build(NetworkSpec, int, int)}, with per-class weights in the classification loss (weighted
     * cross-entropy: a row of class {@code c} counts {@code classWeights[c]} times), or null for unweighted.
     */
    public static MultiLayerConfiguration build(NetworkSpec spec, int features, int outputs, double[] classWeights) {
        List<Integer> shape = validatedShape(spec, features, outputs, classWeights);
        boolean image = shape.size() == 3;
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(updater(spec))
                .l2(spec.l2())
                .weightInit(WeightInit.RELU)
                .list();
        int index = 0;
        for (LayerSpec l : spec.layers()) {
            list.layer(index++, layer(l));
        }
        OutputLayer.Builder out = spec.isClassification()
                ? new OutputLayer.Builder(classificationLoss(classWeights))
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .nOut(outputs)
                : new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY)
                        .nOut(1);
        list.layer(index, out.weightInit(WeightInit.XAVIER).build());
        list.setInputType(
                image
                        ? InputType.convolutionalFlat(shape.get(1), shape.get(2), shape.get(0))
                        : InputType.feedForward(features));
        return list.build();
    }

    /**
     * The input shape ({@code [features]} or {@code [channels, height, width]}) after checking that it holds the
     * data's features, that the head and class weights fit the outputs and that image layers have an image input.
     */
    private static List<Integer> validatedShape(NetworkSpec spec, int features, int outputs, double[] classWeights) {
        List<Integer> shape = spec.input().isEmpty() ? List.of(features) : spec.input();
        int size = shape.stream().reduce(1, (a, b) -> a * b);
        if (size != features) {
            throw new SettingsException(
                    "network.input " + shape + " holds " + size + " values but the data has " + features + " features");
        }
        if (shape.size() == 2) {
            throw new SettingsException(
                    "network.input must be [features] or [channels, height, width] but was " + shape);
        }
        if (spec.isClassification() && outputs < 2) {
            throw new SettingsException("a classification head needs at least 2 classes but the data has " + outputs);
        }
        if (classWeights != null && (!spec.isClassification() || classWeights.length != outputs)) {
            throw new SettingsException("class weights need a classification head with one weight per class, but the "
                    + "head is " + spec.head().word() + " with " + outputs + " outputs and " + classWeights.length
                    + " weights");
        }
        boolean image = shape.size() == 3;
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerType t = spec.layers().get(i).type();
            if (!image && t.needsImage()) {
                throw new SettingsException("network.layers[" + i + "] is a " + t.word()
                        + " layer, which needs an image input; set network.input to [channels, height, width]");
            }
        }
        return shape;
    }

    /** One hidden layer: dense, convolution, pooling or dropout. */
    private static Layer layer(LayerSpec l) {
        return switch (l.type()) {
            case DENSE -> {
                DenseLayer.Builder b = new DenseLayer.Builder()
                        .nOut(l.units())
                        .activation(l.activation().dl4j())
                        .weightInit(l.activation().weightInit());
                if (l.dropout() > 0) {
                    b.dropOut(1 - l.dropout());
                }
                yield b.build();
            }
            case CONV -> {
                ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(
                                l.kernel().get(0), l.kernel().get(1))
                        .stride(l.stride().get(0), l.stride().get(1))
                        .nOut(l.filters())
                        .activation(l.activation().dl4j())
                        .weightInit(l.activation().weightInit());
                if (l.dropout() > 0) {
                    b.dropOut(1 - l.dropout());
                }
                yield b.build();
            }
            case POOL ->
                new SubsamplingLayer.Builder(l.pooling().dl4j())
                        .kernelSize(l.kernel().get(0), l.kernel().get(1))
                        .stride(l.stride().get(0), l.stride().get(1))
                        .build();
            case DROPOUT -> new DropoutLayer.Builder(1 - l.dropout()).build();
        };
    }

    private static ILossFunction classificationLoss(double[] classWeights) {
        if (classWeights == null) {
            return LossFunctions.LossFunction.MCXENT.getILossFunction();
        }
        float[] w = new float[classWeights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) classWeights[i];
        }
        return new LossMCXENT(Nd4j.create(w, new long[] {1, w.length}, DataType.FLOAT));
    }

    private static IUpdater updater(NetworkSpec spec) {
        return spec.updater()
                .create(
                        spec.learningRate(),
                        spec.schedule().create(spec.learningRate(), spec.decay(), spec.decaySteps()));
    }
}
