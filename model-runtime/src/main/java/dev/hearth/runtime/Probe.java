package dev.hearth.runtime;

import dev.hearth.store.TensorSpec;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The check every restored model passes before anyone uses it: one inference on a batch of zeros (one row along each
 * dynamic axis) that must return every declared output, of its declared shape, with finite values. It also pays the
 * first-call costs (native buffers, JIT) before the first real request.
 */
public final class Probe {
    private Probe() {}

    /**
     * Runs the probe on {@code predictor}.
     *
     * @param what the model as named in messages
     * @return the probe's outputs by name
     * @throws ModelLoadException with reason {@code warmup} naming what failed (the predictor is left open)
     */
    public static Map<String, Tensor> run(Predictor predictor, String what) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : predictor.inputs()) {
            inputs.put(spec.name(), zeros(spec));
        }
        Map<String, Tensor> outputs;
        try {
            outputs = predictor.predict(inputs, Set.of());
        } catch (RuntimeException e) {
            throw failed(what, e.getMessage(), e);
        }
        for (TensorSpec spec : predictor.outputs()) {
            Tensor t = outputs.get(spec.name());
            if (t == null) {
                throw failed(
                        what,
                        "it returned no output '" + spec.name() + "' (it returned " + outputs.keySet() + ")",
                        null);
            }
            String problem = shapeProblem(spec, t.shape());
            if (problem == null) {
                problem = finiteProblem(t);
            }
            if (problem != null) {
                throw failed(what, problem, null);
            }
        }
        return outputs;
    }

    /** A tensor of zeros for {@code spec}, one along each dynamic axis. */
    public static Tensor zeros(TensorSpec spec) {
        long[] shape = spec.shape().stream().mapToLong(d -> d == -1 ? 1 : d).toArray();
        int n = Math.toIntExact(Tensor.elementCount(shape, spec.name()));
        TensorType type = TensorType.of(spec.datatype());
        Buffer data = switch (type) {
            case FP32 -> FloatBuffer.allocate(n);
            case FP64 -> DoubleBuffer.allocate(n);
            case INT32 -> IntBuffer.allocate(n);
            case INT64 -> LongBuffer.allocate(n);
        };
        return new Tensor(spec.name(), type, shape, data);
    }

    private static String shapeProblem(TensorSpec spec, long[] shape) {
        List<Long> declared = spec.shape();
        boolean fits = declared.size() == shape.length;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = declared.get(i) == -1 || declared.get(i) == shape[i];
        }
        return fits
                ? null
                : "output '" + spec.name() + "' has shape " + Arrays.toString(shape) + " but the signature declares "
                        + declared;
    }

    private static String finiteProblem(Tensor t) {
        if (t.data() instanceof FloatBuffer f) {
            for (int i = f.position(); i < f.limit(); i++) {
                if (!Float.isFinite(f.get(i))) {
                    return "it returned a non-finite value " + f.get(i);
                }
            }
        } else if (t.data() instanceof DoubleBuffer d) {
            for (int i = d.position(); i < d.limit(); i++) {
                if (!Double.isFinite(d.get(i))) {
                    return "it returned a non-finite value " + d.get(i);
                }
            }
        }
        return null;
    }

    private static ModelLoadException failed(String what, String problem, Throwable cause) {
        return new ModelLoadException("warmup", "warm-up inference of " + what + " failed: " + problem, cause);
    }
}
