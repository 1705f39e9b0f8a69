package dev.hearth.serving.http;

import dev.hearth.serving.auth.Scopes;
import dev.hearth.serving.auth.TokenFile;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the bearer token against the route's {@link Access} before the handler runs: 401 for a missing or
 * wrong token, 403 for a valid token without the needed scope. Only the token's id is kept (for the access
 * log); the token itself is never logged or echoed.
 */
public final class AccessControl {
    private final TokenFile tokens;
    private final boolean enabled;

    /** @param tokens the known tokens; ignored when {@code enabled} is false */
    public AccessControl(TokenFile tokens, boolean enabled) {
        this.tokens = tokens;
        this.enabled = enabled;
    }

    /** Javalin before-matched handler. */
    public void check(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        Access access = roles.isEmpty() ? Access.AUTHENTICATED : (Access) roles.iterator().next();
        if (!enabled || access == Access.OPEN) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new UnauthorizedException("this endpoint needs a bearer token (Authorization: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthorizedException("the Authorization header must be 'Bearer <token>'");
        }
        Optional<TokenFile.Principal> principal = tokens.authenticate(header.substring(7).strip());
        if (principal.isEmpty()) {
            throw new UnauthorizedException("the bearer token is not valid");
        }
        ctx.attribute(AccessLog.TOKEN_ID, principal.get().id());
        String required = required(access, ctx);
        if (!principal.get().allows(required)) {
            throw new ForbiddenException("the token (id " + principal.get().id() + ") lacks scope '" + required
                    + "'");
        }
    }

    private static String required(Access access, Context ctx) {
        return switch (access) {
            case OPEN, AUTHENTICATED -> null;
            case PREDICT -> Scopes.PREDICT + ":" + ctx.pathParam("name");
            case READ -> Scopes.READ + ":" + ctx.pathParam("name");
            case READ_ALL -> Scopes.READ + ":*";
            case MANAGE -> Scopes.MANAGE;
        };
    }
}
