package dev.hearth.runtime.onnx;

/** A model cannot be imported or exported for a reason in the model itself (not in the arguments). */
public final class ModelRefusedException extends RuntimeException {
    /** A refusal with the cause the model's reader or converter gave. */
    public ModelRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
