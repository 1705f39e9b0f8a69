package dev.hearth.serving.model;

/** A version could not be loaded for serving: restore, warm-up or the off-heap budget refused it. */
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
}
