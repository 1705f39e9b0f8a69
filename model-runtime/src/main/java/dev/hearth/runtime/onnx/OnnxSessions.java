package dev.hearth.runtime.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.hearth.store.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens ONNX Runtime sessions on untrusted model bytes and reads their inputs and outputs as {@link TensorSpec}s.
 * ONNX Runtime's own errors are sorted into an {@link OnnxModelException.Reason} with its message kept. The
 * environment is ONNX Runtime's one per JVM ({@link OrtEnvironment#getEnvironment()}).
 */
final class OnnxSessions {
    private OnnxSessions() {}

    /** The JVM's ONNX Runtime environment (created on first use, shared by every session). */
    static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * A session on {@code model}, checked first with {@link OnnxModelInfo#read}.
     *
     * @param intraOpThreads threads one inference may use, at least 1
     */
    static OrtSession open(byte[] model, int intraOpThreads, String what) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1 but was " + intraOpThreads);
        }
        OnnxModelInfo.read(model, what);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            return environment().createSession(model, options);
        } catch (OrtException e) {
            throw refused(e, what);
        }
    }

    /** Sorts ONNX Runtime's refusal of a model into a reason, keeping its message. */
    static OnnxModelException refused(OrtException e, String what) {
        String m = String.valueOf(e.getMessage());
        String lower = m.toLowerCase(Locale.ROOT);
        OnnxModelException.Reason reason;
        String cause;
        if (lower.contains("is not a registered function/op")
                || lower.contains("could not find an implementation")
                || lower.contains("no op registered")
                || lower.contains("no opset registered")) {
            reason = OnnxModelException.Reason.OPERATOR;
            cause = "uses an operator this ONNX Runtime does not implement";
        } else if (lower.contains("opset") || lower.contains("ir version")) {
            reason = OnnxModelException.Reason.OPSET;
            cause = "needs an opset or IR version this ONNX Runtime cannot run";
        } else if (lower.contains("protobuf parsing failed")) {
            reason = OnnxModelException.Reason.NOT_ONNX;
            cause = "is not a valid ONNX model";
        } else {
            reason = OnnxModelException.Reason.RUNTIME;
            cause = "was refused by ONNX Runtime";
        }
        return new OnnxModelException(reason, what + " " + cause + ": " + m, e);
    }

    /** The session's inputs, in the graph's order. */
    static List<TensorSpec> inputs(OrtSession session, String what) {
        try {
            return specs(session.getInputInfo(), "input", what);
        } catch (OrtException e) {
            throw refused(e, what);
        }
    }

    /** The session's outputs, in the graph's order. */
    static List<TensorSpec> outputs(OrtSession session, String what) {
        try {
            return specs(session.getOutputInfo(), "output", what);
        } catch (OrtException e) {
            throw refused(e, what);
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> infos, String kind, String what) {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : infos.values()) {
            ValueInfo info = node.getInfo();
            if (!(info instanceof TensorInfo tensor)) {
                throw new OnnxModelException(
                        OnnxModelException.Reason.ELEMENT_TYPE,
                        what + ": " + kind + " '"
                                + node.getName() + "' is a " + info
                                + ", not a tensor; Hearth exchanges dense tensors of "
                                + "FP32, FP64, INT32 or INT64");
            }
            String datatype = datatype(tensor.onnxType);
            if (datatype == null) {
                throw new OnnxModelException(
                        OnnxModelException.Reason.ELEMENT_TYPE,
                        what + ": " + kind + " '"
                                + node.getName() + "' has element type " + elementName(tensor.onnxType) + " but Hearth "
                                + "exchanges FP32, FP64, INT32 or INT64 tensors only");
            }
            long[] shape = tensor.getShape();
            if (shape.length == 0 || shape.length > 8) {
                throw new OnnxModelException(
                        OnnxModelException.Reason.ELEMENT_TYPE,
                        what + ": " + kind + " '"
                                + node.getName() + "' has rank " + shape.length
                                + " but Hearth exchanges tensors of rank 1 "
                                + "to 8");
            }
            List<Long> dims =
                    Arrays.stream(shape).map(d -> d < 1 ? -1 : d).boxed().toList();
            try {
                specs.add(new TensorSpec(node.getName(), datatype, dims));
            } catch (IllegalArgumentException e) {
                throw new OnnxModelException(
                        OnnxModelException.Reason.SIGNATURE,
                        what + ": " + kind + " '" + node.getName() + "' cannot be served: " + e.getMessage(),
                        e);
            }
        }
        return specs;
    }

    /** The OIP datatype of an ONNX element type, or null when Hearth does not exchange it. */
    static String datatype(TensorInfo.OnnxTensorType type) {
        return switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "FP32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "FP64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "INT32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "INT64";
            default -> null;
        };
    }

    private static String elementName(TensorInfo.OnnxTensorType type) {
        return type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
    }
}
