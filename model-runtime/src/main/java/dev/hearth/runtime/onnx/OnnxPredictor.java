package dev.hearth.runtime.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.Predictor;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stored ONNX model running in ONNX Runtime: one {@link OrtSession} per loaded version, in the JVM's one
 * environment. Inputs are taken by name as the graph declares them (FP32, FP64, INT32, INT64, dynamic axes free);
 * the stored feature normaliser is applied to a single FP32 {@code [d, n]} input before the graph sees it.
 *
 * <p>Thread safety: ONNX Runtime runs one session from several threads at once, so {@link #predict} takes no lock.
 * {@link #close()} closes the session; callers do not race it with {@code predict} (see {@link Predictor}).
 */
public final class OnnxPredictor implements Predictor {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxPredictor.class);
    /** ONNX Runtime's own memory per session besides the weights (arena, kernels, plan), a rough allowance. */
    static final long SESSION_OVERHEAD_BYTES = 4L << 20;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Signature signature;
    private final NormalizerSpec normalizer;
    private final long offHeapBytes;
    private volatile boolean closed;

    private OnnxPredictor(OrtSession session, Signature signature, long modelBytes) {
        this.env = OnnxSessions.environment();
        this.session = session;
        this.signature = signature;
        this.normalizer = NormalizerSpec.NONE.equals(signature.normalizer().kind()) ? null : signature.normalizer();
        // The weights are copied out of the file into native tensors; the file's bytes stay on the heap only.
        this.offHeapBytes = modelBytes + SESSION_OVERHEAD_BYTES;
    }

    /**
     * Opens {@code model} for {@code signature}: reads the file's header, opens a session, checks that every
     * input and output of the signature is the graph's (name, datatype, shape) and runs a probe batch.
     *
     * @param model the ONNX file's bytes (verified by the store)
     * @param signature the stored signature; its inputs and outputs must be the graph's
     * @param intraOpThreads threads one inference may use ({@code serving.compute.threads})
     * @throws OnnxModelException naming why the model cannot be used; nothing stays open then
     */
    public static OnnxPredictor open(byte[] model, Signature signature, int intraOpThreads) {
        return open(model, signature, intraOpThreads, "ONNX model");
    }

    /** {@link #open(byte[], Signature, int)} naming the file as {@code what} in errors. */
    public static OnnxPredictor open(byte[] model, Signature signature, int intraOpThreads, String what) {
        OrtSession session = OnnxSessions.open(model, intraOpThreads, what);
        OnnxPredictor predictor = new OnnxPredictor(session, signature, model.length);
        try {
            predictor.checkSignature(OnnxSessions.inputs(session, what), OnnxSessions.outputs(session, what), what);
            predictor.probe(what);
            return predictor;
        } catch (RuntimeException e) {
            predictor.close();
            throw e;
        }
    }

    @Override
    public List<TensorSpec> inputs() {
        return signature.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return signature.outputs();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> requested) {
        if (closed) {
            throw new PredictionException("the ONNX model was closed", false);
        }
        Set<String> wanted = wanted(requested);
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (TensorSpec spec : signature.inputs()) {
                Tensor t = inputs.get(spec.name());
                if (t == null) {
                    throw new PredictionException(
                            "input '" + spec.name() + "' is missing; the model takes " + names(signature.inputs()),
                            true);
                }
                check(spec, t);
                feed.put(spec.name(), tensor(spec, t));
            }
            for (String name : inputs.keySet()) {
                if (signature.input(name) == null) {
                    throw new PredictionException(
                            "unknown input '" + name + "'; the model takes " + names(signature.inputs()), true);
                }
            }
            try (OrtSession.Result result = session.run(feed, wanted)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (TensorSpec spec : signature.outputs()) {
                    if (wanted.contains(spec.name())) {
                        out.put(
                                spec.name(),
                                read(
                                        spec,
                                        result.get(spec.name())
                                                .orElseThrow(() -> new PredictionException(
                                                        "the model returned no output '" + spec.name() + "'", false))));
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new PredictionException("ONNX Runtime failed on this input: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public long offHeapBytes() {
        return offHeapBytes;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing an ONNX Runtime session failed: {}", e.getMessage());
        }
    }

    private Set<String> wanted(Set<String> requested) {
        if (requested == null || requested.isEmpty()) {
            return new LinkedHashSet<>(names(signature.outputs()));
        }
        for (String name : requested) {
            if (signature.output(name) == null) {
                throw new PredictionException(
                        "unknown output '" + name + "'; the model returns " + names(signature.outputs()), true);
            }
        }
        return new LinkedHashSet<>(requested);
    }

    private static void check(TensorSpec spec, Tensor t) {
        if (!t.type().name().equals(spec.datatype())) {
            throw new PredictionException(
                    "input '" + spec.name() + "' must be " + spec.datatype() + " but was " + t.type(), true);
        }
        long[] shape = t.shape();
        boolean ok = shape.length == spec.shape().size();
        for (int i = 0; ok && i < shape.length; i++) {
            long d = spec.shape().get(i);
            ok = d == -1 || d == shape[i];
        }
        if (!ok) {
            throw new PredictionException(
                    "input '" + spec.name() + "' must have shape " + spec.shape() + " (-1: any size) but had "
                            + Arrays.toString(shape),
                    true);
        }
    }

    private OnnxTensor tensor(TensorSpec spec, Tensor t) throws OrtException {
        // From the buffer's position, as Tensor defines it (a direct buffer is handed to ONNX Runtime as it is).
        Buffer data = t.data().slice();
        long[] shape = t.shape().clone();
        return switch (t.type()) {
            case FP32 ->
                OnnxTensor.createTensor(
                        env, normalizer == null ? (FloatBuffer) data : normalised((FloatBuffer) data, shape), shape);
            case FP64 -> OnnxTensor.createTensor(env, (DoubleBuffer) data, shape);
            case INT32 -> OnnxTensor.createTensor(env, (IntBuffer) data, shape);
            case INT64 -> OnnxTensor.createTensor(env, (LongBuffer) data, shape);
        };
    }

    /** A normalised copy of FP32 rows: the caller's buffer is left as it was. */
    private FloatBuffer normalised(FloatBuffer rows, long[] shape) {
        float[] values = new float[rows.remaining()];
        rows.get(values);
        int width = (int) shape[1];
        for (int at = 0; at + width <= values.length; at += width) {
            normalizer.apply(values, at, width);
        }
        return FloatBuffer.wrap(values);
    }

    private static Tensor read(TensorSpec spec, OnnxValue value) {
        if (!(value instanceof OnnxTensor t)) {
            throw new PredictionException("output '" + spec.name() + "' is not a tensor", false);
        }
        long[] shape = t.getInfo().getShape();
        TensorType type = TensorType.of(spec.datatype());
        Buffer data = switch (type) {
            case FP32 -> t.getFloatBuffer();
            case FP64 -> t.getDoubleBuffer();
            case INT32 -> t.getIntBuffer();
            case INT64 -> t.getLongBuffer();
        };
        return new Tensor(spec.name(), type, shape, data);
    }

    private void checkSignature(List<TensorSpec> graphInputs, List<TensorSpec> graphOutputs, String what) {
        if (!graphInputs.equals(signature.inputs())) {
            throw new OnnxModelException(
                    OnnxModelException.Reason.SIGNATURE,
                    what + ": the signature's inputs " + describe(signature.inputs()) + " are not the graph's "
                            + describe(graphInputs));
        }
        for (TensorSpec out : signature.outputs()) {
            if (!graphOutputs.contains(out)) {
                throw new OnnxModelException(
                        OnnxModelException.Reason.SIGNATURE,
                        what + ": the signature's output " + describe(List.of(out)) + " is not one of the graph's "
                                + describe(graphOutputs));
            }
        }
    }

    /** Runs the graph once on a small batch built from the inputs' specs and checks what comes back. */
    private void probe(String what) {
        Map<String, Tensor> batch = new LinkedHashMap<>();
        for (TensorSpec spec : signature.inputs()) {
            batch.put(spec.name(), probeTensor(spec));
        }
        Map<String, Tensor> out;
        try {
            out = predict(batch, Set.of());
        } catch (RuntimeException e) {
            throw new OnnxModelException(
                    OnnxModelException.Reason.PROBE, what + " failed on a probe batch: " + e.getMessage(), e);
        }
        for (TensorSpec spec : signature.outputs()) {
            Tensor t = out.get(spec.name());
            List<Long> shape = Arrays.stream(t.shape()).boxed().toList();
            boolean ok = shape.size() == spec.shape().size();
            for (int i = 0; ok && i < shape.size(); i++) {
                ok = spec.shape().get(i) == -1 || spec.shape().get(i).equals(shape.get(i));
            }
            if (!ok) {
                throw new OnnxModelException(
                        OnnxModelException.Reason.PROBE,
                        what + ": output '" + spec.name()
                                + "' came back with shape " + shape + " on a probe batch but the graph declares "
                                + spec.shape());
            }
        }
    }

    /** Two items along a dynamic first axis (1 along other dynamic axes) of small deterministic values. */
    static Tensor probeTensor(TensorSpec spec) {
        long[] shape = new long[spec.shape().size()];
        for (int i = 0; i < shape.length; i++) {
            long d = spec.shape().get(i);
            shape[i] = d != -1 ? d : i == 0 ? 2 : 1;
        }
        int n = Math.toIntExact(Tensor.elementCount(shape, spec.name()));
        TensorType type = TensorType.of(spec.datatype());
        Buffer data = switch (type) {
            case FP32 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) Math.sin(0.37 * i + 0.1);
                }
                yield FloatBuffer.wrap(v);
            }
            case FP64 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Math.sin(0.37 * i + 0.1);
                }
                yield DoubleBuffer.wrap(v);
            }
            // Integer inputs are often indices: zero is valid for any of them.
            case INT32 -> IntBuffer.wrap(new int[n]);
            case INT64 -> LongBuffer.wrap(new long[n]);
        };
        return new Tensor(spec.name(), type, shape, data);
    }

    private static List<String> names(List<TensorSpec> specs) {
        List<String> names = new ArrayList<>();
        specs.forEach(s -> names.add(s.name()));
        return names;
    }

    private static String describe(List<TensorSpec> specs) {
        return specs.stream()
                .map(s -> s.name() + " " + s.datatype() + " " + s.shape())
                .toList()
                .toString();
    }
}
