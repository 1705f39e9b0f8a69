package dev.hearth.serving.client;

import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * The server answered with an error status (or an answer the client refuses, e.g. too large): the status, the
 * server's own message from its {@code {"error": "..."}} body, and the response headers. Status 0 means no HTTP
 * answer was received (connection refused, timeout, I/O error).
 */
public final class InferenceException extends RuntimeException {
    private final int status;
    private final String serverMessage;
    private final transient HttpHeaders headers;

    InferenceException(String request, int status, String serverMessage, HttpHeaders headers, Throwable cause) {
        super(request + (status == 0 ? " failed: " : " answered HTTP " + status + ": ") + serverMessage, cause);
        this.status = status;
        this.serverMessage = serverMessage;
        this.headers = headers;
    }

    /** The HTTP status, 0 when none was received. */
    public int status() {
        return status;
    }

    /** The server's error message (or the reason the client gave up). */
    public String serverMessage() {
        return serverMessage;
    }

    /** A header of the error response, when there was one. */
    public Optional<String> header(String name) {
        return headers == null ? Optional.empty() : headers.firstValue(name);
    }
}
