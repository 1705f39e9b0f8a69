package dev.hearth.serving.model;

import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.Signature;
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

/**
 * Merging named-tensor requests along their first axis and splitting the outputs back: what the micro-batcher does
 * for models with a tensor signature. Only a model whose every input and output has a dynamic first axis is
 * batched, and only requests whose inputs agree on every other axis are merged.
 */
final class TensorBatches {
    private TensorBatches() {}

    /** Whether requests for a model with {@code signature} may be merged along the first axis. */
    static boolean batchable(Signature signature) {
        return signature.inputs().stream().allMatch(TensorSpec::batchable)
                && signature.outputs().stream().allMatch(TensorSpec::batchable);
    }

    /** Whether two requests' inputs agree on every axis but the first (so they can be concatenated). */
    static boolean compatible(Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            long[] x = e.getValue().shape();
            long[] y = b.get(e.getKey()).shape();
            if (x.length != y.length
                    || e.getValue().type() != b.get(e.getKey()).type()
                    || !Arrays.equals(x, 1, x.length, y, 1, y.length)) {
                return false;
            }
        }
        return true;
    }

    /** The requests' inputs concatenated along the first axis, in request order. */
    static Map<String, Tensor> concat(List<Map<String, Tensor>> requests) {
        Map<String, Tensor> merged = new LinkedHashMap<>();
        for (String name : requests.get(0).keySet()) {
            Tensor first = requests.get(0).get(name);
            long rows = 0;
            int elements = 0;
            for (Map<String, Tensor> r : requests) {
                rows += r.get(name).shape()[0];
                elements = Math.addExact(elements, Math.toIntExact(r.get(name).elementCount()));
            }
            long[] shape = first.shape().clone();
            shape[0] = rows;
            Buffer data = allocate(first.type(), elements);
            for (Map<String, Tensor> r : requests) {
                put(data, r.get(name));
            }
            data.flip();
            merged.put(name, new Tensor(name, first.type(), shape, data));
        }
        return merged;
    }

    /**
     * The slice {@code [from, from + rows)} along the first axis of every output.
     *
     * @throws IllegalStateException when an output's first axis is not the batch's row count
     */
    static Map<String, Tensor> slice(Map<String, Tensor> outputs, long totalRows, long from, long rows) {
        Map<String, Tensor> part = new LinkedHashMap<>();
        for (Tensor t : outputs.values()) {
            long[] shape = t.shape();
            if (shape.length == 0 || shape[0] != totalRows) {
                throw new IllegalStateException("output '" + t.name() + "' has shape " + Arrays.toString(shape)
                        + " for a batch of " + totalRows + " items: it cannot be split per request");
            }
            int item = Math.toIntExact(t.elementCount() / Math.max(1, totalRows));
            int start = t.data().position() + Math.toIntExact(from * item);
            int length = Math.toIntExact(rows * item);
            long[] sliced = shape.clone();
            sliced[0] = rows;
            Buffer b = t.data();
            Buffer view = switch (t.type()) {
                case FP32 -> ((FloatBuffer) b).slice(start, length);
                case FP64 -> ((DoubleBuffer) b).slice(start, length);
                case INT32 -> ((IntBuffer) b).slice(start, length);
                case INT64 -> ((LongBuffer) b).slice(start, length);
            };
            part.put(t.name(), new Tensor(t.name(), t.type(), sliced, view));
        }
        return part;
    }

    private static Buffer allocate(TensorType type, int n) {
        return switch (type) {
            case FP32 -> FloatBuffer.allocate(n);
            case FP64 -> DoubleBuffer.allocate(n);
            case INT32 -> IntBuffer.allocate(n);
            case INT64 -> LongBuffer.allocate(n);
        };
    }

    private static void put(Buffer into, Tensor t) {
        Buffer from = t.data().duplicate();
        switch (t.type()) {
            case FP32 -> ((FloatBuffer) into).put((FloatBuffer) from);
            case FP64 -> ((DoubleBuffer) into).put((DoubleBuffer) from);
            case INT32 -> ((IntBuffer) into).put((IntBuffer) from);
            case INT64 -> ((LongBuffer) into).put((LongBuffer) from);
        }
    }
}
