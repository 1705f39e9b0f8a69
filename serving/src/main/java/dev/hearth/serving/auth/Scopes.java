package dev.hearth.serving.auth;

import dev.hearth.store.ModelNames;
import java.util.Set;

/**
 * The scopes a token can carry: {@code predict:<model|*>} (inference), {@code read:<model|*>} (metadata, metrics
 * for {@code read:*}) and {@code manage} (reload, unload).
 */
public final class Scopes {
    public static final String PREDICT = "predict";
    public static final String READ = "read";
    public static final String MANAGE = "manage";

    private Scopes() {}

    /**
     * Returns {@code scope} when it is well-formed.
     *
     * @throws IllegalArgumentException naming the scope and the accepted forms
     */
    public static String validate(String scope) {
        if (MANAGE.equals(scope)) {
            return scope;
        }
        int colon = scope == null ? -1 : scope.indexOf(':');
        if (colon > 0) {
            String kind = scope.substring(0, colon);
            String target = scope.substring(colon + 1);
            if ((kind.equals(PREDICT) || kind.equals(READ)) && (target.equals("*") || isName(target))) {
                return scope;
            }
        }
        throw new IllegalArgumentException(
                "scope must be predict:<model|*>, read:<model|*> or manage but was '" + scope + "'");
    }

    private static boolean isName(String s) {
        try {
            ModelNames.validate("model", s);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code granted} includes {@code required} ({@code predict:iris} is granted by {@code predict:*}). */
    public static boolean allows(Set<String> granted, String required) {
        if (granted.contains(required)) {
            return true;
        }
        int colon = required.indexOf(':');
        return colon > 0 && granted.contains(required.substring(0, colon) + ":*");
    }
}
