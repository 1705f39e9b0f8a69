package dev.hearth.serving.http;

/** The token is valid but lacks the scope the endpoint needs; mapped to HTTP 403. */
public class ForbiddenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message) {
        super(message);
    }
}
