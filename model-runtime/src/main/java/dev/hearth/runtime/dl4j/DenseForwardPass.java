package dev.hearth.runtime.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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
 * Inference for networks made only of DL4J {@code DenseLayer}s and an {@code OutputLayer}: one OpenBLAS
 * {@code sgemm} per layer on the network's own parameters, bias and activation in Java, no ND4J arrays.
 *
 * <p>Why: ND4J creates and later frees a native buffer (with a tracking reference the garbage collector
 * processes) for every intermediate array and runs each small op through its generic op machinery; for the small
 * batches a server sees, that overhead, not the matrix products, is most of {@code MultiLayerNetwork.output}'s
 * time. This pass keeps only the products (measured figures: bench/RESULTS.md, runtime benchmark).
 *
 * <p>Only plain layers qualify (no layer norm, no input preprocessors, float parameters, identity, ReLU with
 * its defaults, leaky ReLU, sigmoid, tanh or softmax activations); {@link #unsupported} names what rules a
 * network out. {@link #create} checks the result against {@code output()} on probe rows before it is used.
 * Not thread-safe: the caller runs one pass at a time (the model's lock).
 */
public final class DenseForwardPass implements AutoCloseable {
    /** Largest difference from DL4J's output on the probe rows that still counts as the same network. */
    static final double TOLERANCE = 1e-4;

    private static final Set<Class<?>> LAYERS = Set.of(DenseLayer.class, OutputLayer.class);

    private enum Activation {
        IDENTITY,
        RELU,
        LEAKY_RELU,
        SIGMOID,
        TANH,
        SOFTMAX
    }

    /**
     * One layer: {@code z = x W + b} then the activation; W is in×out, column-major (DL4J's 'f') or row-major.
     * {@code owner} is the parameter view {@code weights} points into, held so its memory stays alive.
     */
    private record Dense(
            INDArray owner,
            FloatPointer weights,
            boolean columnMajor,
            int in,
            int out,
            float[] bias,
            Activation activation,
            float alpha) {}

    private final List<Dense> layers;
    private final int inputWidth;
    private final int widest;
    /** Native scratch: the current layer's input and the product; grown to the largest batch seen. */
    private FloatPointer input;

    private FloatPointer product;
    private long capacityRows;
    private float[] work = new float[0];

    private DenseForwardPass(List<Dense> layers) {
        this.layers = layers;
        this.inputWidth = layers.get(0).in();
        this.widest =
                layers.stream().mapToInt(d -> Math.max(d.in(), d.out())).max().orElseThrow();
    }

    /**
     * Why {@code network} cannot run on this pass, or null when it can: the one rule for what the dense pass (and
     * the ONNX export of dense networks) covers.
     */
    public static String unsupported(MultiLayerNetwork network) {
        var conf = network.getLayerWiseConfigurations();
        if (conf.getInputPreProcessors() != null
                && !conf.getInputPreProcessors().isEmpty()) {
            return "it has input preprocessors";
        }
        Layer[] layers = network.getLayers();
        if (layers == null || layers.length == 0) {
            return "it has no layers";
        }
        for (int i = 0; i < layers.length; i++) {
            var layerConf = layers[i].conf().getLayer();
            if (!LAYERS.contains(layerConf.getClass())) {
                return "layer " + i + " is a " + layerConf.getClass().getSimpleName();
            }
            if (i < layers.length - 1 && layerConf instanceof OutputLayer) {
                return "layer " + i + " is an output layer before the last";
            }
            if (layerConf instanceof DenseLayer d && d.hasLayerNorm()) {
                return "layer " + i + " has layer normalisation";
            }
            INDArray w = layers[i].getParam("W");
            if (w == null || w.rank() != 2 || w.dataType() != DataType.FLOAT) {
                return "layer " + i + " has no float weight matrix";
            }
            Set<String> params = layers[i].paramTable().keySet();
            if (!Set.of("W", "b").equals(params) && !Set.of("W").equals(params)) {
                return "layer " + i + " has parameters " + params;
            }
            if (activation(((BaseLayer) layerConf).getActivationFn()) == null) {
                return "layer " + i + " has activation " + ((BaseLayer) layerConf).getActivationFn();
            }
        }
        return null;
    }

    /**
     * The pass for {@code network}, or null when it is {@link #unsupported} or its output on probe rows differs
     * from DL4J's by more than {@link #TOLERANCE}; {@code reason} receives why not.
     */
    static DenseForwardPass create(MultiLayerNetwork network, StringBuilder reason) {
        String unsupported = unsupported(network);
        if (unsupported != null) {
            reason.append(unsupported);
            return null;
        }
        List<Dense> layers = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            INDArray w = layer.getParam("W");
            boolean columnMajor = w.ordering() == 'f';
            long[] expected = columnMajor ? new long[] {1, w.rows()} : new long[] {w.columns(), 1};
            if (w.stride(0) != expected[0]
                    || w.stride(1) != expected[1]
                    || w.data().length() < w.length()) {
                reason.append("a weight matrix is not contiguous");
                return null;
            }
            INDArray b = layer.getParam("b");
            IActivation fn = ((BaseLayer) layer.conf().getLayer()).getActivationFn();
            float alpha = fn instanceof ActivationLReLU l ? (float) l.getAlpha() : 0f;
            // A view's buffer starts at the view's first element.
            layers.add(new Dense(
                    w,
                    new FloatPointer(w.data().addressPointer()),
                    columnMajor,
                    (int) w.rows(),
                    (int) w.columns(),
                    b == null ? new float[(int) w.columns()] : b.toFloatVector(),
                    activation(fn),
                    alpha));
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).in() != layers.get(i - 1).out()) {
                reason.append("layer ")
                        .append(i)
                        .append(" takes ")
                        .append(layers.get(i).in())
                        .append(" inputs but layer ")
                        .append(i - 1)
                        .append(" gives ")
                        .append(layers.get(i - 1).out());
                return null;
            }
        }
        DenseForwardPass pass = new DenseForwardPass(layers);
        double difference = pass.difference(network);
        if (!(difference <= TOLERANCE)) {
            pass.close();
            reason.append("its output differed from DL4J's by ")
                    .append(difference)
                    .append(" on probe rows");
            return null;
        }
        return pass;
    }

    private static Activation activation(IActivation fn) {
        if (fn instanceof ActivationIdentity) {
            return Activation.IDENTITY;
        } else if (fn instanceof ActivationReLU && fn.equals(new ActivationReLU())) {
            return Activation.RELU;
        } else if (fn instanceof ActivationLReLU) {
            return Activation.LEAKY_RELU;
        } else if (fn instanceof ActivationSigmoid) {
            return Activation.SIGMOID;
        } else if (fn instanceof ActivationTanH) {
            return Activation.TANH;
        } else if (fn instanceof ActivationSoftmax) {
            return Activation.SOFTMAX;
        }
        return null;
    }

    /** Largest absolute difference between this pass and {@code network.output} on deterministic probe rows. */
    double difference(MultiLayerNetwork network) {
        int rows = 3;
        float[] probe = new float[rows * inputWidth];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (float) (2 * Math.sin(0.37 * i + 0.1));
        }
        float[] expected = network.output(Nd4j.create(probe, new long[] {rows, inputWidth}, 'c'), false)
                .castTo(DataType.FLOAT)
                .data()
                .asFloat();
        for (int r = 0; r < rows; r++) {
            setRow(r, probe, r * inputWidth, rows);
        }
        float[] actual = forward(rows);
        if (actual.length != expected.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
        }
        return max;
    }

    /** Number of inputs per row. */
    int inputWidth() {
        return inputWidth;
    }

    /** Copies one row of (normalised) inputs into row {@code r} of a batch of {@code rows}. */
    void setRow(int r, float[] values, int offset, int rows) {
        ensureCapacity(rows);
        input.position((long) r * inputWidth).put(values, offset, inputWidth);
    }

    /** Runs the batch whose rows were set with {@link #setRow}; returns {@code rows * outputs}, row-major. */
    float[] forward(int rows) {
        ensureCapacity(rows);
        float[] z = null;
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            input.position(0);
            product.position(0);
            // Column-major view: z^T (out x rows) = op(W) (out x in) * x^T (in x rows).
            openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasColMajor,
                    d.columnMajor() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans,
                    d.out(),
                    rows,
                    d.in(),
                    1f,
                    d.weights(),
                    d.columnMajor() ? d.in() : d.out(),
                    input,
                    d.in(),
                    0f,
                    product,
                    d.out());
            int n = rows * d.out();
            boolean last = l == layers.size() - 1;
            z = last ? new float[n] : work(n);
            product.get(z, 0, n);
            activate(d, z, rows);
            if (!last) {
                input.put(z, 0, n);
            }
        }
        return z;
    }

    private static void activate(Dense d, float[] z, int rows) {
        int width = d.out();
        float[] bias = d.bias();
        for (int r = 0; r < rows; r++) {
            int at = r * width;
            for (int j = 0; j < width; j++) {
                z[at + j] += bias[j];
            }
            switch (d.activation()) {
                case IDENTITY -> {}
                case RELU -> {
                    for (int j = at; j < at + width; j++) {
                        z[j] = Math.max(0f, z[j]);
                    }
                }
                case LEAKY_RELU -> {
                    for (int j = at; j < at + width; j++) {
                        z[j] = z[j] < 0f ? d.alpha() * z[j] : z[j];
                    }
                }
                case SIGMOID -> {
                    for (int j = at; j < at + width; j++) {
                        z[j] = (float) (1.0 / (1.0 + Math.exp(-z[j])));
                    }
                }
                case TANH -> {
                    for (int j = at; j < at + width; j++) {
                        z[j] = (float) Math.tanh(z[j]);
                    }
                }
                case SOFTMAX -> softmax(z, at, width);
            }
        }
    }

    private static void softmax(float[] z, int at, int width) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = at; j < at + width; j++) {
            max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (int j = at; j < at + width; j++) {
            z[j] = (float) Math.exp(z[j] - max);
            sum += z[j];
        }
        for (int j = at; j < at + width; j++) {
            z[j] = (float) (z[j] / sum);
        }
    }

    private float[] work(int n) {
        if (work.length < n) {
            work = new float[n];
        }
        return work;
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacityRows) {
            return;
        }
        long grown = Math.max(rows, Math.min(2 * capacityRows, Integer.MAX_VALUE / widest));
        closeScratch();
        input = new FloatPointer(grown * widest);
        product = new FloatPointer(grown * widest);
        capacityRows = grown;
    }

    private void closeScratch() {
        if (input != null) {
            input.close();
            product.close();
        }
    }

    /** Frees the native scratch buffers; the weights belong to the network. */
    @Override
    public void close() {
        closeScratch();
        input = null;
        product = null;
        capacityRows = 0;
    }
}
