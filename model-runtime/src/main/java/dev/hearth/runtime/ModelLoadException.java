package dev.hearth.runtime;

/**
 * A stored version could not be restored into a {@link Predictor}: reading, integrity, format, the probe at load,
 * or (for a server) its budget refused it. {@link #reason()} says which, for metrics and retry decisions.
 */
public class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A short machine-readable reason, used as a metric tag: {@code integrity}, {@code warmup}, ... */
    private final String reason;

    public ModelLoadException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    /** A store read failed ({@code read}): the same load may succeed when tried again. */
    public boolean isRetryable() {
        return "read".equals(reason);
    }

    /**
     * The version's own bytes are at fault (integrity, format, warm-up, or any check but a read error or the
     * budget): loading it again gives the same answer, so the refusal is remembered.
     */
    public boolean isPermanent() {
        return !isRetryable() && !"budget".equals(reason);
    }
}
