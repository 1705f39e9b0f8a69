package dev.hearth.serving.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the OpenAPI 3 document of this API, shipped as a resource. */
public final class OpenApiHandler {
    private final byte[] document;

    public OpenApiHandler() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the serving jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void get(Context ctx) {
        ctx.contentType("application/json").result(document);
    }
}
