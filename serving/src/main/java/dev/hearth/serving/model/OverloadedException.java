package dev.hearth.serving.model;

/**
 * The server is over one of its limits (in-flight request bytes, batch queue) or a forward pass ran out of memory:
 * the request is refused at once rather than queued without bound. Mapped to HTTP 503 with a {@code Retry-After}
 * header of {@link #retryAfterSeconds()}.
 */
public class OverloadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    public OverloadedException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** How long the client should wait before retrying, in seconds. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
