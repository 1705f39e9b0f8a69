package dev.hearth.runtime.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX {@code ModelProto} of float tensors node by node: initialisers, nodes with float and integer
 * attributes, one input and one output of shape {@code [batch, n]}, metadata properties. Field numbers are those of
 * {@code onnx.proto} (IR version 8).
 */
final class OnnxGraphWriter {
    /** IR version written; ONNX Runtime 1.20 reads up to 10. */
    static final long IR_VERSION = 8;
    /** Default-domain opset written: every operator used (Gemm, Softmax with an axis, Sub, Mul, Add...) is in it. */
    static final long OPSET = 13;

    private static final int FLOAT = 1;
    private static final int ATTRIBUTE_FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;

    private final ProtoWriter graph = new ProtoWriter();
    private int nodes;

    OnnxGraphWriter(String name) {
        graph.string(2, name);
    }

    /** A float initialiser (constant tensor) named {@code name} of {@code dims}, row-major. */
    OnnxGraphWriter constant(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        ProtoWriter tensor = new ProtoWriter();
        for (long d : dims) {
            tensor.integer(1, d);
        }
        tensor.integer(2, FLOAT).string(8, name).bytes(9, raw.array());
        graph.message(5, tensor);
        return this;
    }

    /**
     * A node {@code op(inputs) -> output}. Attribute values: a {@link Float} is a float attribute, an
     * {@link Integer} or {@link Long} an int attribute.
     */
    OnnxGraphWriter node(String op, List<String> inputs, String output, Map<String, Number> attributes) {
        ProtoWriter node = new ProtoWriter();
        inputs.forEach(i -> node.string(1, i));
        node.string(2, output)
                .string(3, op.toLowerCase(java.util.Locale.ROOT) + "_" + nodes++)
                .string(4, op);
        attributes.forEach((name, value) -> {
            ProtoWriter a = new ProtoWriter().string(1, name);
            if (value instanceof Float f) {
                a.float32(2, f).integer(20, ATTRIBUTE_FLOAT);
            } else {
                a.integer(3, value.longValue()).integer(20, ATTRIBUTE_INT);
            }
            node.message(5, a);
        });
        graph.message(1, node);
        return this;
    }

    /** The graph's input: FP32 {@code [batch, width]} (batch dynamic). */
    OnnxGraphWriter input(String name, long width) {
        graph.message(11, rows(name, width));
        return this;
    }

    /** The graph's output: FP32 {@code [batch, width]} (batch dynamic). */
    OnnxGraphWriter output(String name, long width) {
        graph.message(12, rows(name, width));
        return this;
    }

    /**
     * The whole model file. The opset comes last so that a copy cut anywhere lacks it or ends inside a field: a
     * reader can tell a cut file from a whole one.
     */
    byte[] model(String producerVersion, long modelVersion, String doc, Map<String, String> metadata) {
        ProtoWriter model = new ProtoWriter()
                .integer(1, IR_VERSION)
                .string(2, "hearth")
                .string(3, producerVersion)
                .integer(5, modelVersion)
                .string(6, doc);
        metadata.forEach(
                (k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
        return model.message(7, graph)
                .message(8, new ProtoWriter().string(1, "").integer(2, OPSET))
                .toByteArray();
    }

    private static ProtoWriter rows(String name, long width) {
        ProtoWriter shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, "batch"))
                .message(1, new ProtoWriter().integer(1, width));
        ProtoWriter tensorType = new ProtoWriter().integer(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
