package dev.hearth.runtime.dl4j;

import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DL4J {@code MultiLayerNetwork} version ready for inference, with the signature it was trained under: raw
 * features in (the stored normaliser is applied on a copy), class probabilities or regression values in the
 * target's own units out (the inverse of the stored target normaliser applied). Its one input is
 * {@link Signature#inputName()} FP32 {@code [-1, featureCount]}; its one output is FP32 {@code [-1, outputWidth]}
 * named {@value #PROBABILITIES} for a classifier and {@link Signature#valueOutputName()} for a regression model,
 * as the server has always named them.
 *
 * <p>Plain dense networks run on {@link DenseForwardPass} (checked against {@code output()} on probe rows first)
 * when asked; every other network on {@code output()}. Thread-safe: DL4J networks are not safe for concurrent
 * {@code output()}, nor is the dense pass, so one forward pass runs at a time under the network's lock.
 */
public final class Dl4jPredictor implements RowPredictor {
    /** The output of a classifier: class probabilities in label order. */
    public static final String PROBABILITIES = "probabilities";

    private static final Logger LOG = LoggerFactory.getLogger(Dl4jPredictor.class);

    private final String what;
    private final Signature signature;
    private final MultiLayerNetwork network;
    /** Hearth's own pass for plain dense networks, or null to use DL4J's {@code output()}; under the network's lock. */
    private final DenseForwardPass dense;

    private final long bytes;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    /** Guarded by the network's lock. */
    private boolean closed;

    /**
     * @param what the model, named in messages and logs, e.g. {@code digits/3}
     * @param denseFastPath whether a network made only of dense layers runs on {@link DenseForwardPass} instead of
     *     {@code MultiLayerNetwork.output}
     */
    public Dl4jPredictor(String what, Signature signature, MultiLayerNetwork network, boolean denseFastPath) {
        this.what = what;
        this.signature = signature;
        this.network = network;
        this.bytes = network.numParams() * network.params().dataType().width();
        this.inputs = List.of(TensorSpec.rows(signature.inputName(), signature.featureCount()));
        this.outputs = List.of(TensorSpec.rows(outputName(signature), signature.outputWidth()));
        this.dense = denseFastPath ? denseForwardPass() : null;
    }

    /** The name of the one output of a model with {@code signature}. */
    public static String outputName(Signature signature) {
        return signature.isRegression() ? signature.valueOutputName() : PROBABILITIES;
    }

    private DenseForwardPass denseForwardPass() {
        StringBuilder reason = new StringBuilder();
        DenseForwardPass pass;
        synchronized (network) {
            pass = DenseForwardPass.create(network, reason);
        }
        int width = signature.featureCount();
        if (pass != null && pass.inputWidth() != width) {
            reason.append("its first layer takes ")
                    .append(pass.inputWidth())
                    .append(" inputs but the signature has ")
                    .append(width);
            pass.close();
            pass = null;
        }
        if (pass != null) {
            LOG.info("{} runs on the dense forward pass (direct BLAS calls)", what);
        } else {
            LOG.info("{} runs on DL4J's forward pass: {}", what, reason);
        }
        return pass;
    }

    /** Whether inference runs on {@link DenseForwardPass} rather than DL4J's {@code output()}. */
    public boolean usesDenseForwardPass() {
        return dense != null;
    }

    /** The signature the network was trained under. */
    public Signature signature() {
        return signature;
    }

    /** The number of parameters of the network. */
    public long parameters() {
        return network.numParams();
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public int inputWidth() {
        return signature.featureCount();
    }

    @Override
    public int outputWidth() {
        return signature.outputWidth();
    }

    /** Off-heap bytes held by the parameters; what an off-heap budget counts. */
    @Override
    public long offHeapBytes() {
        return bytes;
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> in, Set<String> requested) {
        String inputName = signature.inputName();
        for (String name : in.keySet()) {
            if (!name.equals(inputName)) {
                throw new PredictionException(
                        "unknown input '" + name + "'; " + what + " takes [" + inputName + "]", true);
            }
        }
        for (String name : requested) {
            if (!name.equals(outputs.get(0).name())) {
                throw new PredictionException(
                        "unknown output '" + name + "'; " + what + " returns ["
                                + outputs.get(0).name() + "]",
                        true);
            }
        }
        Tensor x = in.get(inputName);
        if (x == null) {
            throw new PredictionException(
                    "input '" + inputName + "' is missing; " + what + " takes [" + inputName + "]", true);
        }
        int width = inputWidth();
        if (x.type() != TensorType.FP32) {
            throw new PredictionException("input '" + inputName + "' must be FP32 but was " + x.type(), true);
        }
        if (x.shape().length != 2 || x.shape()[1] != width || x.shape()[0] > Integer.MAX_VALUE / Math.max(1, width)) {
            throw new PredictionException(
                    "input '" + inputName + "' must have shape [-1, " + width + "] but had "
                            + Arrays.toString(x.shape()),
                    true);
        }
        int rows = (int) x.shape()[0];
        float[] out = predictRows(floats((FloatBuffer) x.data()), rows);
        Map<String, Tensor> result = new LinkedHashMap<>();
        String name = outputs.get(0).name();
        result.put(name, new Tensor(name, TensorType.FP32, new long[] {rows, outputWidth()}, FloatBuffer.wrap(out)));
        return result;
    }

    /** The buffer's elements as an array: its own backing array when it covers exactly them, else a copy. */
    private static float[] floats(FloatBuffer data) {
        if (data.hasArray() && data.arrayOffset() + data.position() == 0 && data.array().length == data.remaining()) {
            return data.array();
        }
        float[] copy = new float[data.remaining()];
        data.duplicate().get(copy);
        return copy;
    }

    @Override
    public float[] predictRows(float[] features, int rows) {
        int width = inputWidth();
        if (rows < 0 || features.length != (long) rows * width) {
            throw new PredictionException(
                    "expected " + (long) rows * width + " values but got " + features.length, true);
        }
        float[] row = new float[width];
        float[] out;
        // DL4J networks are not safe for concurrent output(), nor is the dense pass: one forward pass at a time.
        synchronized (network) {
            if (closed) {
                throw new PredictionException(what + " is closed", false);
            }
            if (dense != null) {
                // Normalised row by row through one scratch row (the caller's array stays as it was).
                for (int r = 0; r < rows; r++) {
                    normalise(features, r, row);
                    dense.setRow(r, row, 0, rows);
                }
                out = dense.forward(rows);
            } else {
                // Each row a bulk copy into the off-heap buffer: Nd4j.create(float[], ...) stores element by element.
                INDArray input = Nd4j.createUninitialized(DataType.FLOAT, rows, width);
                FloatBuffer buffer = input.data().asNioFloat();
                for (int r = 0; r < rows; r++) {
                    normalise(features, r, row);
                    buffer.put(row);
                }
                out = network.output(input, false).castTo(DataType.FLOAT).data().asFloat();
            }
        }
        if (out.length != (long) rows * outputWidth()) {
            throw new PredictionException(
                    "it returned " + (rows == 0 ? out.length : out.length / rows)
                            + " values per row but the signature has " + outputWidth()
                            + (signature.isRegression() ? " targets " + signature.targets() : " labels"),
                    false);
        }
        return inTargetUnits(out, rows);
    }

    private void normalise(float[] features, int r, float[] row) {
        System.arraycopy(features, r * row.length, row, 0, row.length);
        signature.normalizer().apply(row, 0, row.length);
    }

    /** A regression model's outputs, mapped back in place to the target's units (its target normaliser inverted). */
    private float[] inTargetUnits(float[] out, int rows) {
        NormalizerSpec target = signature.targetNormalizer();
        if (signature.isRegression() && !NormalizerSpec.NONE.equals(target.kind()) && rows > 0) {
            int k = out.length / rows;
            for (int r = 0; r < rows; r++) {
                target.invert(out, r * k, k);
            }
        }
        return out;
    }

    /** Frees the network's native memory and the dense pass's scratch; idempotent. */
    @Override
    public void close() {
        synchronized (network) {
            if (closed) {
                return;
            }
            closed = true;
            if (dense != null) {
                dense.close();
            }
            network.close();
        }
        LOG.info("Released {} ({} bytes of parameters)", what, bytes);
    }

    @Override
    public String toString() {
        return what + " (dl4j-multilayer, " + (dense != null ? "dense forward pass" : "DL4J output()") + ")";
    }
}
