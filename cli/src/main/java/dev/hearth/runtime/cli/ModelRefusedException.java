package dev.hearth.runtime.cli;

/** A model cannot be imported or exported for a reason in the model itself (not in the arguments). */
final class ModelRefusedException extends RuntimeException {
    ModelRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
