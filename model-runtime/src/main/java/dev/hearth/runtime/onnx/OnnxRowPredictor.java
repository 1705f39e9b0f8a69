package dev.hearth.runtime.onnx;

import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The row view of an ONNX model of the feature-rows kind: one FP32 {@code [-1, n]} input and one FP32
 * {@code [-1, k]} output. {@link #predictRows} wraps the caller's array as the input tensor (no copy besides the
 * normaliser's) and returns the output's values, so the server's micro-batches and Spark partitions run it as they
 * run a Hearth-trained model. Thread safety and lifetime are the wrapped {@link OnnxPredictor}'s.
 */
public final class OnnxRowPredictor implements RowPredictor {
    private final OnnxPredictor predictor;
    private final TensorSpec input;
    private final TensorSpec output;
    private final int inputWidth;
    private final int outputWidth;

    OnnxRowPredictor(OnnxPredictor predictor, Signature signature) {
        if (!fits(signature)) {
            throw new IllegalArgumentException(
                    "an ONNX row predictor needs one FP32 [-1, n] input and one FP32 " + "[-1, k] output");
        }
        this.predictor = predictor;
        this.input = signature.inputs().get(0);
        this.output = signature.outputs().get(0);
        this.inputWidth = Math.toIntExact(input.shape().get(1));
        this.outputWidth = Math.toIntExact(output.shape().get(1));
    }

    /** Whether {@code signature} takes rows of FP32 features and returns one FP32 row per input row. */
    public static boolean fits(Signature signature) {
        return signature.inputs().size() == 1
                && signature.outputs().size() == 1
                && isRows(signature.inputs().get(0))
                && isRows(signature.outputs().get(0));
    }

    private static boolean isRows(TensorSpec spec) {
        return "FP32".equals(spec.datatype())
                && spec.shape().size() == 2
                && spec.shape().get(0) == -1L
                && spec.shape().get(1) > 0;
    }

    @Override
    public int inputWidth() {
        return inputWidth;
    }

    @Override
    public int outputWidth() {
        return outputWidth;
    }

    @Override
    public float[] predictRows(float[] features, int rows) {
        if (rows < 1 || features.length != (long) rows * inputWidth) {
            throw new PredictionException(
                    rows + " rows of " + inputWidth + " features need " + (long) rows * inputWidth + " values but "
                            + features.length + " were given",
                    true);
        }
        Tensor in =
                new Tensor(input.name(), TensorType.FP32, new long[] {rows, inputWidth}, FloatBuffer.wrap(features));
        Tensor out = predictor.predict(Map.of(input.name(), in), Set.of()).get(output.name());
        FloatBuffer values = (FloatBuffer) out.data();
        float[] result = new float[values.remaining()];
        values.get(result);
        if (result.length != rows * outputWidth) {
            throw new PredictionException(
                    "output '" + output.name() + "' has " + result.length + " values for " + rows + " rows but "
                            + outputWidth + " per row were declared",
                    false);
        }
        return result;
    }

    @Override
    public List<TensorSpec> inputs() {
        return predictor.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return predictor.outputs();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> requested) {
        return predictor.predict(inputs, requested);
    }

    @Override
    public long offHeapBytes() {
        return predictor.offHeapBytes();
    }

    @Override
    public void close() {
        predictor.close();
    }
}
