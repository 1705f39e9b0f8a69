package dev.hearth.spark.engine.fused;

import java.nio.FloatBuffer;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training step of a plain dense network, fused: forward pass (one {@code sgemm} per layer, bias, activation
 * and dropout in Java), softmax cross-entropy or MSE gradient, backward pass (two {@code sgemm}s per layer for the
 * weight gradient and the gradient of the layer's input), then the updater, all on buffers allocated once.
 *
 * <p>Why: DL4J's {@code fit} creates, dispatches and frees an ND4J array for every intermediate value of every
 * step; at the layer sizes of typical tabular and image-as-vector networks that costs more than the matrix
 * products themselves (FLOP utilisation 0.10 of sgemm). The step trains the network's own parameter and
 * updater-state arrays in place and advances its iteration counter, so the network can be saved, evaluated or
 * trained further with {@code fit} at any point; DL4J's {@code fit} and this step give the same parameters to
 * float rounding ({@code FusedDenseStepParityTest}).
 *
 * <p>Activations are row-major {@code rows x width}, which is column-major {@code width x rows} for BLAS; the
 * weights are DL4J's column-major {@code in x out}. Not thread-safe; {@link #close} frees the native buffers.
 */
public final class FusedDenseStep implements AutoCloseable {
    private final MultiLayerNetwork network;
    private final FusedLayout layout;
    private final List<FusedLayout.LayerPlan> layers;
    private final FusedUpdater updater;
    private final DropoutMasks masks;
    private final NativeFloats params;
    private final NativeFloats state;
    private final NativeFloats grad;
    private final FloatPointer[] weights;
    private final FloatPointer[] weightGrads;
    private final int outputs;
    private int capacity;
    /** Per layer: its input as seen by the product (features, the previous output, or that after dropout). */
    private NativeFloats[] inputs;

    private NativeFloats[] dropoutMasks;
    /** Per layer: its output (after the activation), and the gradient of the loss at its pre-activation. */
    private NativeFloats[] activations;

    private NativeFloats[] deltas;
    private NativeFloats features;
    private NativeFloats labels;

    private FusedDenseStep(MultiLayerNetwork network, FusedLayout layout, DropoutMasks masks, int rows) {
        this.network = network;
        this.layout = layout;
        this.layers = layout.layers();
        this.updater = new FusedUpdater(layout);
        this.masks = masks;
        this.params = NativeFloats.wrap(network.params());
        INDArray stateView = network.getUpdater().getStateViewArray();
        this.state = stateView == null ? NativeFloats.allocate(0) : NativeFloats.wrap(stateView);
        this.grad = NativeFloats.allocate(layout.parameters());
        this.weights = new FloatPointer[layers.size()];
        this.weightGrads = new FloatPointer[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            weights[l] = params.at(layers.get(l).weightOffset());
            weightGrads[l] = grad.at(layers.get(l).weightOffset());
        }
        this.outputs = layers.get(layers.size() - 1).out();
        allocate(rows);
    }

    /**
     * Why the fused step cannot train {@code network}, or null when it can (dense layers and one output layer,
     * identity/ReLU/leaky ReLU/sigmoid/tanh, softmax cross-entropy or MSE, Adam/SGD/Nesterovs, L2, dropout).
     */
    public static String unsupported(MultiLayerNetwork network) {
        return FusedLayout.check(network);
    }

    /**
     * The fused step for {@code network} with buffers for {@code rows} rows (grown if a larger minibatch comes),
     * or null with the reason in {@code reason}.
     */
    public static FusedDenseStep create(MultiLayerNetwork network, int rows, DropoutMasks masks, StringBuilder reason) {
        FusedLayout layout = FusedLayout.of(network, reason);
        if (layout == null) {
            return null;
        }
        INDArray stateView = network.getUpdater().getStateViewArray();
        long expected = FusedUpdater.stateMultiple(layout.updater()) * layout.parameters();
        if ((stateView == null ? 0 : stateView.length()) != expected
                || stateView != null && stateView.dataType() != DataType.FLOAT) {
            reason.append("its updater state holds ")
                    .append(stateView == null ? 0 : stateView.length())
                    .append(" values, not ")
                    .append(expected);
            return null;
        }
        return new FusedDenseStep(network, layout, masks, rows);
    }

    /** Number of parameters trained. */
    public long parameters() {
        return layout.parameters();
    }

    /**
     * Trains on one minibatch ({@code rows x inputs} features, {@code rows x outputs} labels, float) and returns
     * its mean loss before the update (without the L2 term).
     */
    public double fit(INDArray x, INDArray y) {
        int rows = (int) x.rows();
        if (y.rows() != rows || x.columns() != layers.get(0).in() || y.columns() != outputs) {
            throw new IllegalArgumentException("minibatch of " + x.rows() + "x" + x.columns() + " features and "
                    + y.rows() + "x" + y.columns() + " labels does not fit a network of "
                    + layers.get(0).in()
                    + " inputs and " + outputs + " outputs");
        }
        if (rows > capacity) {
            free();
            allocate(rows);
        }
        copy(x, features, (long) rows * layers.get(0).in());
        copy(y, labels, (long) rows * outputs);
        double loss = forward(rows);
        backward(rows);
        int iteration = network.getIterationCount();
        updater.apply(params.buffer, grad.buffer, state.buffer, iteration, network.getEpochCount());
        network.setIterationCount(iteration + 1);
        return loss;
    }

    private double forward(int rows) {
        for (int l = 0; l < layers.size(); l++) {
            FusedLayout.LayerPlan p = layers.get(l);
            NativeFloats source = l == 0 ? features : activations[l - 1];
            if (dropoutMasks[l] != null) {
                int n = rows * p.in();
                FloatBuffer mask = dropoutMasks[l].buffer;
                masks.fill(mask, n, p.retain());
                FloatBuffer in = source.buffer;
                FloatBuffer out = inputs[l].buffer;
                for (int i = 0; i < n; i++) {
                    out.put(i, in.get(i) * mask.get(i));
                }
            }
            NativeFloats h = activations[l];
            openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasColMajor,
                    openblas_nolapack.CblasTrans,
                    openblas_nolapack.CblasNoTrans,
                    p.out(),
                    rows,
                    p.in(),
                    1f,
                    weights[l],
                    p.in(),
                    inputs[l].pointer,
                    p.in(),
                    0f,
                    h.pointer,
                    p.out());
            FloatBuffer z = h.buffer;
            FloatBuffer all = params.buffer;
            int bias = (int) p.biasOffset();
            for (int r = 0; r < rows; r++) {
                int at = r * p.out();
                for (int j = 0; j < p.out(); j++) {
                    z.put(at + j, z.get(at + j) + all.get(bias + j));
                }
            }
            if (p.activation() == FusedActivation.SOFTMAX) {
                FusedActivation.softmaxRows(z, rows, p.out());
            } else {
                p.activation().apply(z, rows * p.out(), p.alpha());
            }
        }
        return outputGradient(rows);
    }

    /** The loss, and its gradient at the output layer's pre-activation divided by the minibatch size. */
    private double outputGradient(int rows) {
        FusedLayout.LayerPlan head = layers.get(layers.size() - 1);
        FloatBuffer out = activations[layers.size() - 1].buffer;
        FloatBuffer delta = deltas[layers.size() - 1].buffer;
        FloatBuffer y = labels.buffer;
        float[] w = layout.classWeights();
        float scale = 1f / rows;
        double loss = 0;
        if (layout.loss() == FusedLayout.Loss.SOFTMAX_CROSS_ENTROPY) {
            for (int r = 0; r < rows; r++) {
                int at = r * outputs;
                float weightOfRow = 0f;
                for (int j = 0; j < outputs; j++) {
                    float label = y.get(at + j);
                    weightOfRow += w == null ? label : label * w[j];
                    if (label != 0f) {
                        double p = Math.min(Math.max(out.get(at + j), 1e-10), 1 - 1e-10);
                        loss -= (w == null ? label : label * w[j]) * Math.log(p);
                    }
                }
                for (int j = 0; j < outputs; j++) {
                    float label = w == null ? y.get(at + j) : y.get(at + j) * w[j];
                    delta.put(at + j, (out.get(at + j) * weightOfRow - label) * scale);
                }
            }
        } else {
            int n = rows * outputs;
            float twoOverOutputs = 2f / outputs;
            for (int i = 0; i < n; i++) {
                float d = out.get(i) - y.get(i);
                loss += (double) d * d / outputs;
                delta.put(i, d * twoOverOutputs * scale);
            }
            head.activation().backprop(out, delta, n, head.alpha());
        }
        return loss / rows;
    }

    private void backward(int rows) {
        FloatBuffer g = grad.buffer;
        for (int l = layers.size() - 1; l >= 0; l--) {
            FusedLayout.LayerPlan p = layers.get(l);
            NativeFloats delta = deltas[l];
            // dW (in x out) = input^T (in x rows) * delta (rows x out)
            openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasColMajor,
                    openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasTrans,
                    p.in(),
                    p.out(),
                    rows,
                    1f,
                    inputs[l].pointer,
                    p.in(),
                    delta.pointer,
                    p.out(),
                    0f,
                    weightGrads[l],
                    p.in());
            int bias = (int) p.biasOffset();
            FloatBuffer d = delta.buffer;
            for (int j = 0; j < p.out(); j++) {
                g.put(bias + j, 0f);
            }
            for (int r = 0; r < rows; r++) {
                int at = r * p.out();
                for (int j = 0; j < p.out(); j++) {
                    g.put(bias + j, g.get(bias + j) + d.get(at + j));
                }
            }
            if (l == 0) {
                break;
            }
            // Gradient at this layer's input (in x rows) = W (in x out) * delta^T (out x rows): the previous delta.
            NativeFloats previous = deltas[l - 1];
            openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasColMajor,
                    openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans,
                    p.in(),
                    rows,
                    p.out(),
                    1f,
                    weights[l],
                    p.in(),
                    delta.pointer,
                    p.out(),
                    0f,
                    previous.pointer,
                    p.in());
            int n = rows * p.in();
            if (dropoutMasks[l] != null) {
                FloatBuffer mask = dropoutMasks[l].buffer;
                FloatBuffer pd = previous.buffer;
                for (int i = 0; i < n; i++) {
                    pd.put(i, pd.get(i) * mask.get(i));
                }
            }
            FusedLayout.LayerPlan below = layers.get(l - 1);
            below.activation().backprop(activations[l - 1].buffer, previous.buffer, n, below.alpha());
        }
    }

    private static void copy(INDArray from, NativeFloats to, long count) {
        INDArray a = from.dataType() == DataType.FLOAT ? from : from.castTo(DataType.FLOAT);
        if (a.ordering() != 'c' || a.elementWiseStride() != 1 || a.length() != count) {
            a = a.dup('c');
        }
        Pointer.memcpy(to.pointer, a.data().addressPointer(), count * Float.BYTES);
    }

    private void allocate(int rows) {
        int n = layers.size();
        inputs = new NativeFloats[n];
        dropoutMasks = new NativeFloats[n];
        activations = new NativeFloats[n];
        deltas = new NativeFloats[n];
        features = NativeFloats.allocate((long) rows * layers.get(0).in());
        labels = NativeFloats.allocate((long) rows * outputs);
        for (int l = 0; l < n; l++) {
            FusedLayout.LayerPlan p = layers.get(l);
            activations[l] = NativeFloats.allocate((long) rows * p.out());
            deltas[l] = NativeFloats.allocate((long) rows * p.out());
            if (p.retain() < 1.0) {
                dropoutMasks[l] = NativeFloats.allocate((long) rows * p.in());
                inputs[l] = NativeFloats.allocate((long) rows * p.in());
            } else {
                inputs[l] = l == 0 ? features : activations[l - 1];
            }
        }
        capacity = rows;
    }

    private void free() {
        for (int l = 0; l < layers.size(); l++) {
            activations[l].close();
            deltas[l].close();
            if (dropoutMasks[l] != null) {
                dropoutMasks[l].close();
                inputs[l].close();
            }
        }
        features.close();
        labels.close();
    }

    @Override
    public void close() {
        free();
        grad.close();
    }
}
