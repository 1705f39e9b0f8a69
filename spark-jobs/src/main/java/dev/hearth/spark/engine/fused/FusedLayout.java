package dev.hearth.spark.engine.fused;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * What the fused step needs to know about a network: per layer its sizes, where its weights and bias sit in the
 * flat parameter vector, activation, dropout and L2; the loss; the updater. {@link #of} either returns the layout
 * or says exactly why the network is not one the fused step runs.
 */
record FusedLayout(List<LayerPlan> layers, Loss loss, float[] classWeights, IUpdater updater, long parameters) {

    /** The head's loss: softmax with cross-entropy, or mean squared error. */
    enum Loss {
        SOFTMAX_CROSS_ENTROPY,
        MSE
    }

    /**
     * One dense layer: {@code out = act(in W + b)} with W {@code in x out} column-major at {@code weightOffset}
     * and b at {@code biasOffset} of the flat parameters.
     *
     * @param retain probability of keeping an input value under dropout, 1 without dropout
     * @param l2 L2 coefficient of the weights (null: none); {@code l2Bias} likewise for the bias
     */
    record LayerPlan(
            int in,
            int out,
            long weightOffset,
            long biasOffset,
            FusedActivation activation,
            float alpha,
            double retain,
            ISchedule l2,
            ISchedule l2Bias) {}

    private static final Set<String> WEIGHTS_AND_BIAS = Set.of("W", "b");

    /** The layout of {@code network}; {@code reason} receives why not when the result is null. */
    static FusedLayout of(MultiLayerNetwork network, StringBuilder reason) {
        String why = check(network);
        if (why != null) {
            reason.append(why);
            return null;
        }
        List<LayerPlan> plans = new ArrayList<>();
        INDArray flat = network.params();
        long offset = 0;
        for (Layer layer : network.getLayers()) {
            BaseLayer conf = (BaseLayer) layer.conf().getLayer();
            INDArray w = layer.getParam("W");
            INDArray b = layer.getParam("b");
            int in = (int) w.rows();
            int out = (int) w.columns();
            long base = NativeFloats.address(flat);
            if (w.ordering() != 'f'
                    || w.stride(0) != 1
                    || w.stride(1) != in
                    || NativeFloats.address(w) - base != offset * Float.BYTES
                    || NativeFloats.address(b) - base != (offset + (long) in * out) * Float.BYTES) {
                reason.append("the parameters of layer ")
                        .append(plans.size())
                        .append(" are not laid out as [W column-major, b] in the flat parameter vector");
                return null;
            }
            double retain = conf.getIDropout() == null ? 1.0 : ((Dropout) conf.getIDropout()).getP();
            FusedActivation act = FusedActivation.of(conf.getActivationFn());
            float alpha = conf.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationLReLU l
                    ? (float) l.getAlpha()
                    : 0f;
            plans.add(new LayerPlan(
                    in,
                    out,
                    offset,
                    offset + (long) in * out,
                    act,
                    alpha,
                    retain,
                    l2(conf.getRegularization()),
                    l2(conf.getRegularizationBias())));
            offset += (long) in * out + out;
        }
        if (offset != flat.length()) {
            reason.append("the layers hold ")
                    .append(offset)
                    .append(" parameters but the network has ")
                    .append(flat.length());
            return null;
        }
        OutputLayer head = (OutputLayer)
                network.getLayers()[network.getnLayers() - 1].conf().getLayer();
        ILossFunction lossFn = head.getLossFn();
        float[] classWeights = null;
        if (lossFn instanceof LossMCXENT x && x.getWeights() != null) {
            classWeights = x.getWeights().castTo(DataType.FLOAT).toFloatVector();
        }
        Loss loss = lossFn instanceof LossMCXENT ? Loss.SOFTMAX_CROSS_ENTROPY : Loss.MSE;
        return new FusedLayout(List.copyOf(plans), loss, classWeights, ((BaseLayer) head).getIUpdater(), offset);
    }

    /** Why the fused step cannot train {@code network}, or null when it can. */
    static String check(MultiLayerNetwork network) {
        var conf = network.getLayerWiseConfigurations();
        if (conf.getInputPreProcessors() != null
                && !conf.getInputPreProcessors().isEmpty()) {
            return "it has input preprocessors";
        }
        if (conf.getBackpropType() != org.deeplearning4j.nn.conf.BackpropType.Standard) {
            return "it uses truncated backpropagation through time";
        }
        Layer[] layers = network.getLayers();
        if (layers == null || layers.length == 0) {
            return "it has no layers";
        }
        IUpdater first = null;
        for (int i = 0; i < layers.length; i++) {
            String why = checkLayer(layers[i], i, i == layers.length - 1);
            if (why != null) {
                return why;
            }
            BaseLayer base = (BaseLayer) layers[i].conf().getLayer();
            IUpdater u = base.getIUpdater();
            if (base.getBiasUpdater() != null && !base.getBiasUpdater().equals(u)
                    || first != null && !first.equals(u)) {
                return "layer " + i + " has an updater configuration of its own (one for the whole network only)";
            }
            first = u;
        }
        String why = checkHead((OutputLayer) layers[layers.length - 1].conf().getLayer());
        if (why != null) {
            return why;
        }
        if (!(network.getUpdater() instanceof BaseMultiLayerUpdater<?> u)
                || u.getUpdaterBlocks().size() != 1) {
            return "its updater state is not one block";
        }
        return null;
    }

    /** Why the fused step cannot run layer {@code i} ({@code last}: the output layer), or null when it can. */
    private static String checkLayer(Layer layer, int i, boolean last) {
        var layerConf = layer.conf().getLayer();
        if (!(last ? layerConf.getClass() == OutputLayer.class : layerConf.getClass() == DenseLayer.class)) {
            return "layer " + i + " is a " + layerConf.getClass().getSimpleName() + " (the fused step runs "
                    + "DenseLayers followed by one OutputLayer)";
        }
        BaseLayer base = (BaseLayer) layerConf;
        if (layerConf instanceof DenseLayer d && d.hasLayerNorm()) {
            return "layer " + i + " has layer normalisation";
        }
        if (!WEIGHTS_AND_BIAS.equals(layer.paramTable().keySet())) {
            return "layer " + i + " has parameters " + layer.paramTable().keySet();
        }
        if (layer.getParam("W").dataType() != DataType.FLOAT) {
            return "layer " + i + " has " + layer.getParam("W").dataType() + " parameters (float only)";
        }
        FusedActivation act = FusedActivation.of(base.getActivationFn());
        if (act == null || act == FusedActivation.SOFTMAX && !last) {
            return "layer " + i + " has activation " + base.getActivationFn();
        }
        IDropout dropout = base.getIDropout();
        if (dropout != null
                && !(dropout instanceof Dropout d && d.getPSchedule() == null && d.getP() > 0 && d.getP() <= 1)) {
            return "layer " + i + " has dropout " + dropout + " (only DL4J's Dropout with a fixed probability)";
        }
        if (base.getWeightNoise() != null) {
            return "layer " + i + " has weight noise";
        }
        if (base.getGradientNormalization() != null && base.getGradientNormalization() != GradientNormalization.None) {
            return "layer " + i + " uses gradient normalisation " + base.getGradientNormalization();
        }
        String reg = unsupportedRegularization(base.getRegularization());
        reg = reg != null ? reg : unsupportedRegularization(base.getRegularizationBias());
        if (reg != null) {
            return "layer " + i + " has regularisation " + reg + " (only L2)";
        }
        IUpdater u = base.getIUpdater();
        if (!(u instanceof Adam || u instanceof Sgd || u instanceof Nesterovs)) {
            return "layer " + i + " uses updater " + u + " (Adam, SGD or Nesterovs only)";
        }
        return null;
    }

    /** Why the fused step cannot compute the output layer's loss, or null when it can. */
    private static String checkHead(OutputLayer head) {
        ILossFunction loss = head.getLossFn();
        FusedActivation headAct = FusedActivation.of(head.getActivationFn());
        if (loss instanceof LossMCXENT) {
            if (headAct != FusedActivation.SOFTMAX) {
                return "the output layer uses cross-entropy with activation " + head.getActivationFn()
                        + " (softmax only)";
            }
        } else if (loss instanceof LossMSE mse) {
            if (mse.getWeights() != null || headAct == FusedActivation.SOFTMAX) {
                return "the output layer uses MSE with per-output weights or softmax";
            }
        } else {
            return "the output layer uses loss " + loss + " (softmax cross-entropy or MSE only)";
        }
        return null;
    }

    private static String unsupportedRegularization(List<Regularization> list) {
        if (list == null) {
            return null;
        }
        if (list.size() > 1) {
            return list.toString();
        }
        return list.isEmpty() || list.get(0) instanceof L2Regularization
                ? null
                : list.get(0).toString();
    }

    private static ISchedule l2(List<Regularization> list) {
        return list == null || list.isEmpty() ? null : ((L2Regularization) list.get(0)).getL2();
    }
}
