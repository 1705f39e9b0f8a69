package dev.hearth.serving.console;

import dev.hearth.store.ModelNotFoundException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's stylesheet, ES modules and icon, read from the jar once at start and served by exact name (no
 * path from the request ever reaches the class loader).
 */
final class StaticAssets {
    private static final String BASE = "/dev/hearth/serving/console/static/";
    private static final Map<String, String> TYPES = Map.of(
            "console.css", "text/css; charset=utf-8",
            "charts.js", "text/javascript; charset=utf-8",
            "tryit.js", "text/javascript; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, byte[]> files;

    StaticAssets() {
        Map<String, byte[]> m = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
                if (in == null) {
                    throw new IllegalStateException("console asset " + name + " is missing from the jar");
                }
                m.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read console asset " + name, e);
            }
        }
        files = Map.copyOf(m);
    }

    void serve(Context ctx) {
        String name = ctx.pathParam("file");
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new ModelNotFoundException(
                    "no console asset '" + (name.length() > 40 ? name.substring(0, 40) : name) + "'");
        }
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(TYPES.get(name)).result(bytes);
    }
}
