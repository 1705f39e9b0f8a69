package dev.hearth.serving.console;

import dev.hearth.serving.http.ForbiddenException;
import io.javalin.http.Context;

/**
 * The Origin check of state-changing console requests: the browser's {@code Origin} must be this server's own
 * scheme, host and port (as the request's {@code Host} names them), and {@code Sec-Fetch-Site}, when sent, must be
 * {@code same-origin}. A request without {@code Origin} is refused: every browser the console supports sends it on
 * POST, so its absence means a client that is not a browser page of this console.
 */
final class SameOrigin {
    private SameOrigin() {}

    /** @throws ForbiddenException when the request is cross-origin or carries no Origin */
    static void check(Context ctx) {
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        String own = ctx.scheme() + "://" + host;
        if (origin == null || origin.isEmpty()) {
            throw new ForbiddenException("refused: a state-changing console request needs an Origin header ("
                    + "sent by browsers); this one has none");
        }
        if (host == null || !origin.equalsIgnoreCase(own)) {
            throw new ForbiddenException("refused: cross-origin request (Origin " + bounded(origin)
                    + " is not this console's origin " + bounded(own) + ")");
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            throw new ForbiddenException("refused: cross-site request (Sec-Fetch-Site " + bounded(site) + ")");
        }
    }

    private static String bounded(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
