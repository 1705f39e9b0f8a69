package dev.hearth.serving.http;

/** The server is draining for shutdown or the request timed out; mapped to HTTP 503. */
public class ServiceUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceUnavailableException(String message) {
        super(message);
    }
}
