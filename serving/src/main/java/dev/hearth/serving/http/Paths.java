package dev.hearth.serving.http;

import io.javalin.http.Context;

/** Path parameters shared by the handlers and the console, validated with clear messages. */
public final class Paths {
    private Paths() {}

    /** The {@code {version}} path parameter: a positive integer (a bad one is echoed cut to 20 characters). */
    public static int version(Context ctx) {
        String v = ctx.pathParam("version");
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRequestException("model version must be an integer >= 1 but was '"
                + (v.length() > 20 ? v.substring(0, 20) + "..." : v) + "'");
    }
}
