package dev.hearth.serving.http;

import io.javalin.http.Context;

/** Path parameters shared by the handlers, validated with clear messages. */
final class Paths {
    private Paths() {}

    /** The {@code {version}} path parameter: a positive integer. */
    static int version(Context ctx) {
        String v = ctx.pathParam("version");
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new BadRequestException("model version must be an integer >= 1 but was '" + v + "'");
    }
}
