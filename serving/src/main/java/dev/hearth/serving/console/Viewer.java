package dev.hearth.serving.console;

import dev.hearth.serving.auth.Scopes;
import dev.hearth.serving.auth.TokenFile;

/**
 * Who is looking at a console page: the principal of the session's token as the token file grants it now, and the
 * session's CSRF token for the forms it renders.
 *
 * @param principal the token's id and scopes (every scope when access control is off)
 * @param sessionId the session this request belongs to
 * @param csrf the session's CSRF token
 */
record Viewer(TokenFile.Principal principal, String sessionId, String csrf) {
    String tokenId() {
        return principal.id();
    }

    boolean canRead(String model) {
        return principal.allows(Scopes.READ + ":" + model);
    }

    boolean canPredict(String model) {
        return principal.allows(Scopes.PREDICT + ":" + model);
    }

    boolean canManage() {
        return principal.allows(Scopes.MANAGE);
    }
}
