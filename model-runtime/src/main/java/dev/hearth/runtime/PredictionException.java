package dev.hearth.runtime;

/**
 * A {@link Predictor} could not run on the given input. {@link #isBadInput()} tells a caller's mistake (a missing or
 * unknown input, a wrong datatype or shape; the message names it) from a failure of the model itself.
 */
public class PredictionException extends RuntimeException {
    private final boolean badInput;

    public PredictionException(String message, boolean badInput) {
        super(message);
        this.badInput = badInput;
    }

    public PredictionException(String message, Throwable cause) {
        super(message, cause);
        this.badInput = false;
    }

    /** Whether the input was at fault (HTTP 400) rather than the model (HTTP 500). */
    public boolean isBadInput() {
        return badInput;
    }
}
