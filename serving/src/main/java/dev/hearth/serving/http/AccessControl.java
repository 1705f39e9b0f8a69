package dev.hearth.serving.http;

import dev.hearth.serving.auth.Scopes;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.auth.TokenReloader;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks the bearer token against the route's {@link Access} before the handler runs: 401 for a missing or
 * wrong or expired token, 403 for a valid token without the needed scope. Tokens are looked up in the token file
 * as it is now (see {@link TokenReloader}), so revocations apply without a restart. Only the token's id is kept
 * (for the access log); the token itself is never logged or echoed. Handlers whose rule depends on what the
 * request asks for check further scopes with {@link #require}.
 */
public final class AccessControl implements AutoCloseable {
    /** Context attribute: which scopes the caller holds, for {@link #require}. */
    private static final String GRANTS = "hearth.grants";

    private static final Predicate<String> EVERY_SCOPE = scope -> true;

    /**
     * A second way in besides the bearer token: a session the web console signed in with a token. Consulted only
     * for requests without an {@code Authorization} header.
     */
    public interface SessionAuth {
        /**
         * The caller whose session {@code ctx} carries, empty when it carries none this route may use.
         *
         * @throws ForbiddenException when it carries one but the request must not use it (CSRF, Origin)
         */
        Optional<TokenFile.Principal> authenticate(Context ctx);
    }

    private final TokenReloader tokens;
    private final boolean enabled;
    private volatile SessionAuth sessions;

    /** @param tokens the known tokens; ignored (may be null) when {@code enabled} is false */
    public AccessControl(TokenReloader tokens, boolean enabled) {
        if (enabled && tokens == null) {
            throw new IllegalArgumentException("access control needs tokens when enabled");
        }
        this.tokens = tokens;
        this.enabled = enabled;
    }

    /** Starts watching the token file for changes (with the server). */
    public void start() {
        if (enabled) {
            tokens.start();
        }
    }

    /** Stops watching the token file (with the server). */
    @Override
    public void close() {
        if (enabled) {
            tokens.close();
        }
    }

    /** Also accepts the web console's sessions (set once, before the server starts). */
    public void acceptSessions(SessionAuth sessions) {
        this.sessions = sessions;
    }

    /** Whether tokens are required at all ({@code auth.enabled}). */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The caller a bearer token authenticates now (the token file as it is now), empty when the token is unknown,
     * wrong or expired.
     */
    public Optional<TokenFile.Principal> authenticate(String token) {
        if (!enabled) {
            return Optional.empty();
        }
        return tokens.current().authenticate(token).filter(p -> !p.expiredAt(Instant.now()));
    }

    /** Javalin before-matched handler. */
    public void check(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        Access access = roles.isEmpty()
                ? Access.AUTHENTICATED
                : (Access) roles.iterator().next();
        if (!enabled) {
            ctx.attribute(GRANTS, EVERY_SCOPE);
            return;
        }
        if (access == Access.OPEN || access == Access.CONSOLE) {
            return;
        }
        String header = ctx.header("Authorization");
        SessionAuth sessionAuth = sessions;
        if ((header == null || header.isBlank()) && sessionAuth != null) {
            Optional<TokenFile.Principal> session = sessionAuth.authenticate(ctx);
            if (session.isPresent()) {
                grant(ctx, session.get(), access);
                return;
            }
        }
        if (header == null || header.isBlank()) {
            throw new UnauthorizedException("this endpoint needs a bearer token (Authorization: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthorizedException("the Authorization header must be 'Bearer <token>'");
        }
        Optional<TokenFile.Principal> principal =
                tokens.current().authenticate(header.substring(7).strip());
        if (principal.isEmpty()) {
            throw new UnauthorizedException("the bearer token is not valid");
        }
        ctx.attribute(AccessLog.TOKEN_ID, principal.get().id());
        TokenFile.Principal caller = principal.get();
        if (caller.expiredAt(Instant.now())) {
            throw new UnauthorizedException("the bearer token (id " + caller.id() + ") expired at " + caller.expires());
        }
        grant(ctx, caller, access);
    }

    private static void grant(Context ctx, TokenFile.Principal caller, Access access) {
        ctx.attribute(AccessLog.TOKEN_ID, caller.id());
        ctx.attribute(GRANTS, (Predicate<String>) caller::allows);
        String required = required(access, ctx);
        if (!caller.allows(required)) {
            throw new ForbiddenException("the token (id " + caller.id() + ") lacks scope '" + required + "'");
        }
    }

    /**
     * Refuses the request (403) unless the caller also holds {@code scope}; every scope is held when access
     * control is off, none on a route without a token.
     *
     * @param what what the scope is needed for, for the message
     */
    public static void require(Context ctx, String scope, String what) {
        Predicate<String> grants = ctx.attribute(GRANTS);
        if (grants == null || !grants.test(scope)) {
            Object id = ctx.attribute(AccessLog.TOKEN_ID);
            throw new ForbiddenException("the token" + (id == null ? "" : " (id " + id + ")") + " lacks scope '" + scope
                    + "', which " + what + " needs");
        }
    }

    private static String required(Access access, Context ctx) {
        return switch (access) {
            case OPEN, AUTHENTICATED, CONSOLE -> null;
            case PREDICT -> Scopes.PREDICT + ":" + ctx.pathParam("name");
            case READ -> Scopes.READ + ":" + ctx.pathParam("name");
            case READ_ALL -> Scopes.READ + ":*";
            case MANAGE -> Scopes.MANAGE;
        };
    }
}
