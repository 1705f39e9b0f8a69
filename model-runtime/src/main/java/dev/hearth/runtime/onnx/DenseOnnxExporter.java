package dev.hearth.runtime.onnx;

import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.runtime.dl4j.DenseForwardPass;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a Hearth-trained DL4J dense network as an ONNX model: the stored feature normaliser as a {@code Sub} and
 * a {@code Mul} first, one {@code Gemm} per layer followed by its activation ({@code Relu}, {@code LeakyRelu},
 * {@code Sigmoid}, {@code Tanh}, {@code Softmax}), and for regression the inverse target normaliser as a {@code Mul}
 * and an {@code Add} last, so the file takes raw features and answers in the model's own units. It covers exactly
 * the networks the server's dense fast pass runs (see {@link #unsupported}).
 *
 * <p>Before the bytes are returned they run in ONNX Runtime on probe rows and must match DL4J's {@code output()}
 * (on the same rows normalised as the server does) within {@link #TOLERANCE} (relative for values beyond ±1,
 * such as regression outputs in target units).
 */
public final class DenseOnnxExporter {
    /** Largest difference from DL4J on the probe rows that the export accepts. */
    public static final double TOLERANCE = 1e-5;
    /** The metadata property holding the class labels, one per line (read back by the import). */
    public static final String LABELS_PROPERTY = "hearth.labels";

    private static final int PROBE_ROWS = 16;

    private record Dense(float[] weights, int in, int out, float[] bias, IActivation activation) {}

    private DenseOnnxExporter() {}

    /**
     * Why {@code network} cannot be exported, or null when it can: the same rules as the server's dense fast pass
     * (only dense layers and one output layer last, no input preprocessors, no layer normalisation, float weights
     * and biases, identity, default ReLU, leaky ReLU, sigmoid, tanh or softmax activations).
     */
    public static String unsupported(MultiLayerNetwork network) {
        String why = DenseForwardPass.unsupported(network);
        if (why != null) {
            return why;
        }
        Layer[] layers = network.getLayers();
        for (int i = 0; i < layers.length; i++) {
            IActivation fn = ((BaseLayer) layers[i].conf().getLayer()).getActivationFn();
            if (operator(fn) == null) {
                return "layer " + i + " has activation " + fn;
            }
            INDArray w = layers[i].getParam("W");
            if (i > 0 && layers[i - 1].getParam("W").columns() != w.rows()) {
                return "layer " + i + " takes " + w.rows() + " inputs but layer " + (i - 1) + " gives "
                        + layers[i - 1].getParam("W").columns();
            }
        }
        return null;
    }

    /**
     * The ONNX file of {@code network}, checked against DL4J on probe rows.
     *
     * @param signature the stored feature-rows signature (input name, normaliser, output, target normaliser)
     * @param source the stored version it comes from, e.g. {@code iris/3}, written into the file's metadata
     * @param modelVersion written as the file's model version
     * @throws IllegalArgumentException when the network or signature cannot be exported (naming why)
     * @throws IllegalStateException when the graph does not match DL4J on the probe rows (nothing is returned)
     */
    public static byte[] export(MultiLayerNetwork network, Signature signature, String source, long modelVersion) {
        String why = unsupported(network);
        if (why != null) {
            throw new IllegalArgumentException("cannot export " + source + " as ONNX: " + why + " (only dense "
                    + "networks the server's fast pass runs can be exported)");
        }
        if (!signature.isFeatureRows()) {
            throw new IllegalArgumentException("cannot export " + source + " as ONNX: its signature is not the "
                    + "feature-rows kind Hearth trains");
        }
        List<Dense> layers = layers(network);
        int width = layers.get(0).in();
        if (width != signature.featureCount()) {
            throw new IllegalArgumentException("cannot export " + source + ": the network takes " + width
                    + " features but its signature says " + signature.featureCount());
        }
        TensorSpec output = signature.outputs().get(0);
        int outWidth = layers.get(layers.size() - 1).out();
        if (output.shape().get(1) != outWidth) {
            throw new IllegalArgumentException("cannot export " + source + ": the network gives " + outWidth
                    + " values per row but its signature's output " + output.name() + " has " + output.shape());
        }
        byte[] bytes = write(layers, signature, source, modelVersion);
        double difference = difference(bytes, network, signature, width);
        if (!(difference <= TOLERANCE)) {
            throw new IllegalStateException("the ONNX graph of " + source + " differs from DL4J's output by "
                    + difference + " on probe rows (allowed " + TOLERANCE + "); not exported");
        }
        return bytes;
    }

    private static List<Dense> layers(MultiLayerNetwork network) {
        List<Dense> layers = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            INDArray w = layer.getParam("W");
            INDArray b = layer.getParam("b");
            int in = (int) w.rows();
            int out = (int) w.columns();
            layers.add(new Dense(
                    w.dup('c').data().asFloat(),
                    in,
                    out,
                    b == null ? new float[out] : b.dup('c').data().asFloat(),
                    ((BaseLayer) layer.conf().getLayer()).getActivationFn()));
        }
        return layers;
    }

    private static byte[] write(List<Dense> layers, Signature signature, String source, long modelVersion) {
        OnnxGraphWriter g = new OnnxGraphWriter("hearth_dense");
        int width = layers.get(0).in();
        g.input(signature.inputName(), width);
        String x = normalize(g, signature.inputName(), signature.normalizer(), width);
        String output = signature.outputs().get(0).name();
        NormalizerSpec target = signature.targetNormalizer();
        boolean invert = signature.isRegression() && !NormalizerSpec.NONE.equals(target.kind());
        x = layers(g, layers, x, invert ? null : output);
        int outWidth = layers.get(layers.size() - 1).out();
        if (invert) {
            invertTarget(g, x, output, target, outWidth);
        }
        g.output(output, outWidth);
        String version = DenseOnnxExporter.class.getPackage().getImplementationVersion();
        return g.model(
                version == null ? "dev" : version,
                modelVersion,
                "Hearth model " + source + " (DL4J dense network)",
                metadata(signature, source));
    }

    /** The input normaliser as graph nodes; returns the normalised value's name ({@code x} when there is none). */
    private static String normalize(OnnxGraphWriter g, String x, NormalizerSpec n, int width) {
        if (NormalizerSpec.NONE.equals(n.kind())) {
            return x;
        }
        // (x - offset) * scale, as NormalizerSpec.apply; a constant feature (scale 0) maps to 0 there too.
        float[] offset = new float[width];
        float[] scale = new float[width];
        for (int i = 0; i < width; i++) {
            double s = n.scale(i);
            offset[i] = (float) (NormalizerSpec.MINMAX.equals(n.kind()) ? n.min()[i] : n.mean()[i]);
            scale[i] = s > 0 ? (float) (1.0 / s) : 0f;
        }
        g.constant("normalizer_offset", offset, width).constant("normalizer_scale", scale, width);
        g.node("Sub", List.of(x, "normalizer_offset"), "centred", Map.of());
        g.node("Mul", List.of("centred", "normalizer_scale"), "normalized", Map.of());
        return "normalized";
    }

    /**
     * One Gemm (and activation) per layer from {@code x}; the last layer's result is named {@code output}, or gets
     * a name of its own when {@code output} is null (a target normaliser follows). Returns the result's name.
     */
    private static String layers(OnnxGraphWriter g, List<Dense> layers, String x, String output) {
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            boolean last = l == layers.size() - 1;
            String z = "dense" + l;
            g.constant(z + "_W", d.weights(), d.in(), d.out()).constant(z + "_b", d.bias(), d.out());
            String op = operator(d.activation());
            String activated = last && output != null ? output : z + "_out";
            if (op.isEmpty()) {
                g.node("Gemm", List.of(x, z + "_W", z + "_b"), activated, Map.of());
            } else {
                g.node("Gemm", List.of(x, z + "_W", z + "_b"), z + "_z", Map.of());
                Map<String, Number> attributes = switch (op) {
                    case "LeakyRelu" -> Map.of("alpha", (float) ((ActivationLReLU) d.activation()).getAlpha());
                    case "Softmax" -> Map.of("axis", 1L);
                    default -> Map.of();
                };
                g.node(op, List.of(z + "_z"), activated, attributes);
            }
            x = activated;
        }
        return x;
    }

    /** The regression target normaliser's inverse on {@code x}, named {@code output}. */
    private static void invertTarget(OnnxGraphWriter g, String x, String output, NormalizerSpec target, int outWidth) {
        // y * scale + offset, as NormalizerSpec.invert.
        float[] scale = new float[outWidth];
        float[] offset = new float[outWidth];
        for (int i = 0; i < outWidth; i++) {
            scale[i] = (float)
                    (NormalizerSpec.MINMAX.equals(target.kind()) ? Math.max(0, target.scale(i)) : target.std()[i]);
            offset[i] = (float) (NormalizerSpec.MINMAX.equals(target.kind()) ? target.min()[i] : target.mean()[i]);
        }
        g.constant("target_scale", scale, outWidth).constant("target_offset", offset, outWidth);
        g.node("Mul", List.of(x, "target_scale"), "target_scaled", Map.of());
        g.node("Add", List.of("target_scaled", "target_offset"), output, Map.of());
    }

    /** The model's metadata properties: source, task, labels (classifiers) and feature names. */
    private static Map<String, String> metadata(Signature signature, String source) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("hearth.source", source);
        metadata.put("hearth.task", signature.task());
        if (signature.isClassification()) {
            metadata.put(LABELS_PROPERTY, String.join("\n", signature.labelNames()));
        }
        if (!signature.featureNames().isEmpty()) {
            metadata.put("hearth.features", String.join("\n", signature.featureNames()));
        }
        return metadata;
    }

    /** The ONNX operator of an activation, "" for identity, or null when it has none here. */
    private static String operator(IActivation fn) {
        if (fn instanceof ActivationIdentity) {
            return "";
        } else if (fn instanceof ActivationReLU && fn.equals(new ActivationReLU())) {
            return "Relu";
        } else if (fn instanceof ActivationLReLU) {
            return "LeakyRelu";
        } else if (fn instanceof ActivationSigmoid) {
            return "Sigmoid";
        } else if (fn instanceof ActivationTanH) {
            return "Tanh";
        } else if (fn instanceof ActivationSoftmax) {
            return "Softmax";
        }
        return null;
    }

    /** Largest difference between the ONNX graph and DL4J (normalised as the server does) on probe rows. */
    private static double difference(byte[] bytes, MultiLayerNetwork network, Signature signature, int width) {
        float[] raw = probeRows(signature.normalizer(), width);
        float[] normalised = raw.clone();
        for (int r = 0; r < PROBE_ROWS; r++) {
            signature.normalizer().apply(normalised, r * width, width);
        }
        float[] expected = network.output(Nd4j.create(normalised, new long[] {PROBE_ROWS, width}, 'c'), false)
                .castTo(DataType.FLOAT)
                .dup('c')
                .data()
                .asFloat();
        int outWidth = expected.length / PROBE_ROWS;
        if (signature.isRegression()) {
            for (int r = 0; r < PROBE_ROWS; r++) {
                signature.targetNormalizer().invert(expected, r * outWidth, outWidth);
            }
        }
        TensorSpec output = signature.outputs().get(0);
        Signature plain = Signature.tensors(
                List.of(TensorSpec.rows(signature.inputName(), width)),
                List.of(TensorSpec.rows(output.name(), outWidth)),
                null,
                null,
                null,
                null);
        try (OnnxPredictor onnx = OnnxPredictor.open(bytes, plain, 1, "the exported graph")) {
            Tensor in = new Tensor(
                    signature.inputName(), TensorType.FP32, new long[] {PROBE_ROWS, width}, FloatBuffer.wrap(raw));
            FloatBuffer actual = (FloatBuffer) onnx.predict(Map.of(in.name(), in), Set.of())
                    .get(output.name())
                    .data();
            if (actual.remaining() != expected.length) {
                return Double.POSITIVE_INFINITY;
            }
            double max = 0;
            for (int i = 0; i < expected.length; i++) {
                // Relative beyond +-1: regression outputs in target units carry float rounding of their size.
                double d =
                        Math.abs(actual.get(actual.position() + i) - expected[i]) / Math.max(1, Math.abs(expected[i]));
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
            }
            return max;
        }
    }

    /** Deterministic raw rows spread over (a little beyond) each feature's fitted range. */
    private static float[] probeRows(NormalizerSpec n, int width) {
        float[] rows = new float[PROBE_ROWS * width];
        for (int i = 0; i < rows.length; i++) {
            int f = i % width;
            double u = Math.sin(0.37 * i + 0.1);
            rows[i] = (float)
                    switch (n.kind()) {
                        case NormalizerSpec.MINMAX -> n.min()[f] + (0.5 + 0.6 * u) * (n.max()[f] - n.min()[f]);
                        case NormalizerSpec.STANDARDIZE -> n.mean()[f] + 1.5 * u * n.std()[f];
                        default -> 2 * u;
                    };
        }
        return rows;
    }
}
