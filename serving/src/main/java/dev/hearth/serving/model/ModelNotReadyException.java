package dev.hearth.serving.model;

/** The model is configured but has no version loaded (still loading, or every candidate failed); HTTP 503. */
public class ModelNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelNotReadyException(String message) {
        super(message);
    }
}
