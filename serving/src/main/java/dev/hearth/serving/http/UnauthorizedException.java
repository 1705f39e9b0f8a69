package dev.hearth.serving.http;

/** No valid bearer token: missing, unknown or wrong; mapped to HTTP 401. */
public class UnauthorizedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnauthorizedException(String message) {
        super(message);
    }
}
