package dev.hearth.serving.console;

import dev.hearth.serving.auth.Scopes;
import dev.hearth.serving.http.BadRequestException;
import dev.hearth.serving.http.ForbiddenException;
import dev.hearth.store.AuditEvent;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelStore;
import dev.hearth.store.VersionConflictException;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * The console's state changes, each needing the {@code manage} scope and a reason, recorded in the model's audit
 * log with the token's id as the actor ({@code who} is {@code token:<id> (console)}, through
 * {@link ModelStore#actingAs}): move an alias by compare-and-swap from the target the page showed, roll an alias
 * back, tag a version (an audit entry: stored versions are immutable). A stale move is refused with the alias's
 * current target; nothing changes.
 */
final class ManageActions {
    /** The audit action of a console tag. */
    static final String TAG = "tag";

    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_REASON = 500;
    private static final int MAX_TAG_VALUE = 200;

    private final ModelStore store;

    ManageActions(ModelStore store) {
        this.store = store;
    }

    /** Moves (or creates, with an empty {@code expected}) an alias; returns what happened, for the notice. */
    String moveAlias(Context ctx, Viewer viewer, String name) {
        require(viewer, "moving an alias");
        String alias = ModelNames.validate("alias", field(ctx, "alias", 64));
        int version = number(field(ctx, "version", 12), "version");
        String expectedText = ctx.formParam("expected");
        Integer expected = expectedText == null || expectedText.isBlank() ? null : number(expectedText, "expected");
        String reason = reason(ctx);
        try {
            AuditEvent e = as(viewer).setAlias(name, alias, version, expected, reason);
            return "moved " + alias + " from " + (e.from() == null ? "nothing" : "version " + e.from()) + " to version "
                    + e.to();
        } catch (VersionConflictException e) {
            Integer now = store.aliases(name).get(alias);
            throw new VersionConflictException("not moved: " + alias + " now points to "
                    + (now == null ? "nothing (it was removed)" : "version " + now) + ", not "
                    + (expected == null ? "nothing" : "version " + expected)
                    + " as the page showed: someone moved it since. Nothing was changed; reload the model page and "
                    + "decide again.");
        }
    }

    /** Returns an alias to its previous target. */
    String rollback(Context ctx, Viewer viewer, String name) {
        require(viewer, "rolling back an alias");
        String alias = ModelNames.validate("alias", field(ctx, "alias", 64));
        AuditEvent e = as(viewer).rollback(name, alias, reason(ctx));
        return "rolled " + alias + " back from version " + e.from() + " to version " + e.to();
    }

    /** Records a tag on a version in the audit log. */
    String tag(Context ctx, Viewer viewer, String name) {
        require(viewer, "tagging a version");
        int version = number(field(ctx, "version", 12), "version");
        String key = field(ctx, "key", 64);
        if (!TAG_KEY.matcher(key).matches()) {
            throw new BadRequestException("tag key must match " + TAG_KEY.pattern() + " but was '" + key + "'");
        }
        String value = field(ctx, "value", MAX_TAG_VALUE);
        String reason = reason(ctx);
        store.resolve(new dev.hearth.store.ModelRef(name, version));
        as(viewer).recordEvent(name, TAG, version, key + "=" + value + " (" + reason + ")");
        return "tagged version " + version + " with " + key + "=" + value;
    }

    private static void require(Viewer viewer, String what) {
        if (!viewer.canManage()) {
            throw new ForbiddenException("refused: the token (id " + viewer.tokenId() + ") lacks scope '"
                    + Scopes.MANAGE + "', which " + what + " needs. Nothing was changed.");
        }
    }

    private static String reason(Context ctx) {
        return field(ctx, "reason", MAX_REASON);
    }

    /** The store writing audit entries as the viewer's token. */
    private ModelStore as(Viewer viewer) {
        return store.actingAs(actor(viewer));
    }

    /** The audit log's {@code who} for the viewer's changes. */
    static String actor(Viewer viewer) {
        return "token:" + viewer.tokenId() + " (console)";
    }

    private static String field(Context ctx, String name, int max) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) {
            throw new BadRequestException("form field '" + name + "' is required");
        }
        v = v.strip();
        if (v.length() > max) {
            throw new BadRequestException(
                    "form field '" + name + "' must be at most " + max + " characters but has " + v.length());
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new BadRequestException("form field '" + name + "' must not contain control characters");
            }
        }
        return v;
    }

    private static int number(String text, String field) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRequestException("form field '" + field + "' must be a version number >= 1 but was '"
                + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "'");
    }
}
