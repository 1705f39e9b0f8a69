package dev.hearth.serving.model;

/** A forward pass failed with an {@link Error} or a checked exception; the request gets HTTP 500. */
public class ForwardPassException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ForwardPassException(String message, Throwable cause) {
        super(message, cause);
    }
}
