package dev.hearth.serving.console;

import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.http.AccessControl;
import dev.hearth.serving.http.ForbiddenException;
import dev.hearth.serving.http.UnauthorizedException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Console sessions, in memory: a bearer token pasted once is exchanged for a random session id in an
 * {@code HttpOnly; SameSite=Strict} cookie ({@code Secure} under TLS). The token stays in server memory only, and is
 * authenticated again against the token file on every request, so revoking the token (or its expiry) ends the
 * session at once; the session itself expires after {@code console.session.ttl.ms}. Each session has a CSRF token
 * that every state-changing request must echo, and such requests must come from this server's own origin.
 *
 * <p>As {@link AccessControl.SessionAuth} it lets the try-it page call the OIP v2 API with the session instead of
 * a bearer header, but only for requests that carry the CSRF header: a plain navigation or a form from elsewhere
 * never authenticates through the cookie.
 */
public final class ConsoleSessions implements AccessControl.SessionAuth {
    /** The session cookie's name. */
    public static final String COOKIE = "hearth_console";
    /** The header that script requests carry the CSRF token in. */
    public static final String CSRF_HEADER = "X-Hearth-CSRF";
    /** The form field that form posts carry the CSRF token in. */
    static final String CSRF_FIELD = "csrf";
    /** Who acts when access control is off. */
    static final TokenFile.Principal ANONYMOUS =
            new TokenFile.Principal("anonymous", Set.of("read:*", "predict:*", "manage"), null);

    private record Session(String id, String token, String csrf, Instant expires) {}

    private final AccessControl access;
    private final Duration ttl;
    private final int max;
    private final boolean secureCookie;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Insertion order, so the oldest session is dropped first past {@code max}. */
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    /**
     * @param access the server's token check (the token file as it is now)
     * @param ttl how long a session lasts after sign-in
     * @param max most sessions held at once
     * @param secureCookie whether the cookie gets {@code Secure} (the server speaks TLS)
     */
    public ConsoleSessions(AccessControl access, Duration ttl, int max, boolean secureCookie, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("console.session.ttl.ms must be > 0 but was " + ttl.toMillis());
        }
        if (max < 1) {
            throw new IllegalArgumentException("console.sessions.max must be >= 1 but was " + max);
        }
        this.access = access;
        this.ttl = ttl;
        this.max = max;
        this.secureCookie = secureCookie;
        this.clock = clock;
    }

    /** Whether sign-in is needed at all (access control is on). */
    boolean signInRequired() {
        return access.enabled();
    }

    /**
     * Signs in with a bearer token: starts a session and sets its cookie.
     *
     * @throws UnauthorizedException when the token is unknown, wrong or expired (the message never echoes it)
     */
    Viewer signIn(Context ctx, String token) {
        TokenFile.Principal principal;
        if (access.enabled()) {
            if (token == null || token.isBlank()) {
                throw new UnauthorizedException("paste a bearer token (hearth_...) to sign in");
            }
            principal = access.authenticate(token.strip())
                    .orElseThrow(
                            () -> new UnauthorizedException("the token is not valid (unknown, revoked or expired)"));
        } else {
            principal = ANONYMOUS;
        }
        Session s = new Session(
                randomId(),
                token == null ? "" : token.strip(),
                randomId(),
                clock.instant().plus(ttl));
        synchronized (sessions) {
            sessions.put(s.id(), s);
            while (sessions.size() > max) {
                sessions.remove(sessions.keySet().iterator().next());
            }
        }
        ctx.header(
                "Set-Cookie",
                COOKIE + "=" + s.id() + "; Path=/; Max-Age=" + ttl.toSeconds() + "; HttpOnly; SameSite=Strict"
                        + (secureCookie ? "; Secure" : ""));
        return new Viewer(principal, s.id(), s.csrf());
    }

    /** Ends the request's session and clears its cookie. */
    void signOut(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id != null) {
            synchronized (sessions) {
                sessions.remove(id);
            }
        }
        ctx.header(
                "Set-Cookie",
                COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : ""));
    }

    /**
     * The viewer of the request's session, empty when it has none, or it expired, or its token no longer
     * authenticates (revoked, expired); such a session is dropped.
     */
    Optional<Viewer> current(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session s;
        synchronized (sessions) {
            s = sessions.get(id);
        }
        if (s == null) {
            return Optional.empty();
        }
        Optional<TokenFile.Principal> principal = clock.instant().isBefore(s.expires())
                ? (access.enabled() ? access.authenticate(s.token()) : Optional.of(ANONYMOUS))
                : Optional.empty();
        if (principal.isEmpty()) {
            synchronized (sessions) {
                sessions.remove(id);
            }
            return Optional.empty();
        }
        return Optional.of(new Viewer(principal.get(), s.id(), s.csrf()));
    }

    /**
     * Refuses a state-changing request unless it comes from this server's origin and carries the session's CSRF
     * token (header or form field).
     *
     * @throws ForbiddenException naming what is missing or wrong
     */
    static void checkStateChange(Context ctx, Viewer viewer) {
        SameOrigin.check(ctx);
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null) {
            sent = ctx.formParam(CSRF_FIELD);
        }
        if (sent == null || sent.isEmpty()) {
            throw new ForbiddenException("refused: the request carries no CSRF token (reload the page and retry)");
        }
        if (!MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), viewer.csrf().getBytes(StandardCharsets.UTF_8))) {
            throw new ForbiddenException("refused: the CSRF token does not match this session (reload the page)");
        }
    }

    @Override
    public Optional<TokenFile.Principal> authenticate(Context ctx) {
        if (ctx.header(CSRF_HEADER) == null) {
            return Optional.empty();
        }
        Optional<Viewer> viewer = current(ctx);
        if (viewer.isEmpty()) {
            return Optional.empty();
        }
        checkStateChange(ctx, viewer.get());
        return Optional.of(viewer.get().principal());
    }

    /** Sessions held now (for tests). */
    int size() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    private String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
