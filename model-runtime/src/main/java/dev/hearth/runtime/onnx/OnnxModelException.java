package dev.hearth.runtime.onnx;

/**
 * An ONNX model file cannot be used: {@link #reason()} says why in one word a caller can act on, the message names
 * the file, the cause and, where there is one, the value and the rule it breaks.
 */
public class OnnxModelException extends RuntimeException {
    /** Why a model was refused. */
    public enum Reason {
        /** The file ends inside a field: it was cut short. */
        TRUNCATED,
        /** The bytes are not an ONNX ModelProto. */
        NOT_ONNX,
        /** The model needs a newer opset (or IR version) than this ONNX Runtime runs. */
        OPSET,
        /** The graph uses an operator this ONNX Runtime does not implement. */
        OPERATOR,
        /** An input or output has an element type (or kind) Hearth does not exchange. */
        ELEMENT_TYPE,
        /** The stored signature does not describe the graph. */
        SIGNATURE,
        /** The graph loaded but failed on the probe batch. */
        PROBE,
        /** ONNX Runtime refused the model for another reason (its message follows). */
        RUNTIME
    }

    private final Reason reason;

    public OnnxModelException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public OnnxModelException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the model was refused. */
    public Reason reason() {
        return reason;
    }
}
