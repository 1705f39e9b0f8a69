package dev.hearth.serving.http;

/** The request is malformed or does not fit the model's signature; mapped to HTTP 400. */
public class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }
}
