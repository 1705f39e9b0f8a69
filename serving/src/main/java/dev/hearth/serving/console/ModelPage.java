package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;
import static dev.hearth.serving.console.Html.url;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.FileEntry;
import dev.hearth.store.Lease;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's page: its aliases with the manage forms (compare-and-swap move, rollback), the versions table (created,
 * creator, decision tag, headline metrics, size, last SHA-256 check, leases) with the pick of two versions to diff,
 * the tag form, and the alias history from the audit log. The forms are shown to every viewer; a token without
 * {@code manage} is refused when it submits, with the reason.
 */
final class ModelPage {
    private final ModelStore store;
    private final Verifications verifications;

    ModelPage(ModelStore store, Verifications verifications) {
        this.store = store;
        this.verifications = verifications;
    }

    String render(Viewer viewer, String name, String notice) {
        List<ModelVersion> versions = store.listVersions(name);
        if (versions.isEmpty()) {
            throw new ModelNotFoundException("model '" + name + "' has no committed version");
        }
        Map<String, Integer> aliases = store.aliases(name);
        Map<Integer, List<String>> leases = new TreeMap<>();
        Instant now = Instant.now();
        for (Lease l : store.leases(name)) {
            if (l.activeAt(now)) {
                leases.computeIfAbsent(l.version(), v -> new ArrayList<>()).add(l.holder());
            }
        }
        String path = "/console/models/" + url(name);
        StringBuilder b = new StringBuilder(32 * 1024);
        notices(b, viewer, notice);
        aliases(b, viewer, path, aliases);
        versions(b, path, versions, leases);
        tagForm(b, viewer, path);
        aliasHistory(b, store.auditLog(name));
        return Html.page("Model " + name, viewer, b.toString());
    }

    /** The last action's notice, and what a token without the manage scope cannot do here. */
    private static void notices(StringBuilder b, Viewer viewer, String notice) {
        if (notice != null && !notice.isBlank()) {
            b.append("<p class=\"notice\" id=\"notice\">")
                    .append(esc(notice.length() > 300 ? notice.substring(0, 300) : notice))
                    .append("</p>");
        }
        if (!viewer.canManage()) {
            b.append("<p class=\"muted\">Moving aliases, rolling back and tagging need a token with the "
                            + "<code>manage</code> scope; this one (id ")
                    .append(esc(viewer.tokenId()))
                    .append(") has none.</p>");
        }
    }

    /** Each alias with its move and roll-back forms, and the form for a new alias. */
    private static void aliases(StringBuilder b, Viewer viewer, String path, Map<String, Integer> aliases) {
        b.append(
                        "<h2>Aliases</h2><div class=\"scroll\"><table id=\"aliases\"><thead><tr><th>alias</th><th>points to</th>")
                .append("<th>move (compare-and-swap from the target shown)</th><th>roll back</th></tr></thead><tbody>");
        for (Map.Entry<String, Integer> a : aliases.entrySet()) {
            String alias = esc(a.getKey());
            b.append("<tr><td>")
                    .append(alias)
                    .append("</td><td class=\"target\">")
                    .append(a.getValue())
                    .append("</td><td><form class=\"inline\" id=\"move-")
                    .append(alias)
                    .append("\" method=\"post\" action=\"")
                    .append(path)
                    .append("/alias\">")
                    .append(Html.csrfField(viewer))
                    .append("<input type=\"hidden\" name=\"alias\" value=\"")
                    .append(alias)
                    .append("\">")
                    .append("<input type=\"hidden\" name=\"expected\" value=\"")
                    .append(a.getValue())
                    .append("\">")
                    .append(
                            "<input type=\"number\" name=\"version\" min=\"1\" required placeholder=\"version\" aria-label=\"version\">")
                    .append(
                            "<input type=\"text\" name=\"reason\" required maxlength=\"500\" placeholder=\"reason\" aria-label=\"reason\">")
                    .append(
                            "<button type=\"submit\">Move</button></form></td><td><form class=\"inline\" id=\"rollback-")
                    .append(alias)
                    .append("\" method=\"post\" action=\"")
                    .append(path)
                    .append("/rollback\">")
                    .append(Html.csrfField(viewer))
                    .append("<input type=\"hidden\" name=\"alias\" value=\"")
                    .append(alias)
                    .append(
                            "\"><input type=\"text\" name=\"reason\" required maxlength=\"500\" placeholder=\"reason\" aria-label=\"reason\">")
                    .append("<button type=\"submit\">Roll back</button></form></td></tr>");
        }
        b.append("</tbody></table></div><form class=\"inline\" id=\"new-alias\" method=\"post\" action=\"")
                .append(path)
                .append("/alias\">")
                .append(Html.csrfField(viewer))
                .append("New alias ")
                .append(
                        "<input type=\"text\" name=\"alias\" required pattern=\"[a-z0-9][a-z0-9._-]{0,63}\" placeholder=\"alias\" aria-label=\"alias\">")
                .append("<input type=\"hidden\" name=\"expected\" value=\"\">")
                .append(
                        "<input type=\"number\" name=\"version\" min=\"1\" required placeholder=\"version\" aria-label=\"version\">")
                .append(
                        "<input type=\"text\" name=\"reason\" required maxlength=\"500\" placeholder=\"reason\" aria-label=\"reason\">")
                .append("<button type=\"submit\">Create</button></form>");
    }

    /** Every version, newest first, with its check, size, leases and the diff selection. */
    private void versions(
            StringBuilder b, String path, List<ModelVersion> versions, Map<Integer, List<String>> leases) {
        b.append("<h2>Versions</h2><form method=\"get\" action=\"")
                .append(path)
                .append("/diff\" id=\"diff-form\">")
                .append("<div class=\"scroll\"><table id=\"versions\"><thead><tr><th>A</th><th>B</th><th>version</th>")
                .append("<th>created</th><th>creator</th><th>decision</th><th>metrics</th><th>size</th>")
                .append("<th>SHA-256</th><th>leases</th></tr></thead><tbody>");
        for (int i = versions.size() - 1; i >= 0; i--) {
            ModelVersion v = versions.get(i);
            int n = v.version();
            long size = v.metadata().files().values().stream()
                    .mapToLong(FileEntry::size)
                    .sum();
            String check = verifications.lastOrQueue(v);
            b.append("<tr id=\"v")
                    .append(n)
                    .append("\"><td><input type=\"radio\" name=\"a\" value=\"")
                    .append(n)
                    .append(i == versions.size() - 2 ? "\" checked" : "\"")
                    .append("></td><td><input type=\"radio\" name=\"b\" value=\"")
                    .append(n)
                    .append(i == versions.size() - 1 ? "\" checked" : "\"")
                    .append("></td><td><a href=\"")
                    .append(path)
                    .append("/versions/")
                    .append(n)
                    .append("\">")
                    .append(n)
                    .append("</a></td><td>")
                    .append(esc(v.metadata().createdAt()))
                    .append("</td><td>")
                    .append(esc(v.metadata().creator()))
                    .append("</td><td>")
                    .append(esc(v.metadata().tags().getOrDefault("decision", "")))
                    .append("</td><td>")
                    .append(esc(headline(v.metadata().metrics())))
                    .append("</td><td>")
                    .append(Html.bytes(size))
                    .append("</td><td class=\"")
                    .append(check.startsWith("MISMATCH") ? "bad" : "")
                    .append("\">")
                    .append(esc(check))
                    .append("</td><td>")
                    .append(esc(String.join(", ", leases.getOrDefault(n, List.of()))))
                    .append("</td></tr>");
        }
        b.append("</tbody></table></div><button type=\"submit\" id=\"diff\">Diff A and B</button></form>");
    }

    /** The form that tags a version (recorded in the audit log). */
    private static void tagForm(StringBuilder b, Viewer viewer, String path) {
        b.append(
                        "<h2>Tag a version</h2><p class=\"muted\">Stored versions are immutable: a tag is recorded in the audit "
                                + "log (action <code>tag</code>) and shown on the version's page.</p>")
                .append("<form class=\"inline\" id=\"tag\" method=\"post\" action=\"")
                .append(path)
                .append("/tag\">")
                .append(Html.csrfField(viewer))
                .append(
                        "<input type=\"number\" name=\"version\" min=\"1\" required placeholder=\"version\" aria-label=\"version\">")
                .append(
                        "<input type=\"text\" name=\"key\" required maxlength=\"64\" placeholder=\"key\" aria-label=\"key\">")
                .append(
                        "<input type=\"text\" name=\"value\" required maxlength=\"200\" placeholder=\"value\" aria-label=\"value\">")
                .append(
                        "<input type=\"text\" name=\"reason\" required maxlength=\"500\" placeholder=\"reason\" aria-label=\"reason\">")
                .append("<button type=\"submit\">Tag</button></form>");
    }

    /** Alias moves from the audit log, newest first. */
    private static void aliasHistory(StringBuilder b, List<AuditEvent> log) {
        b.append(
                        "<h2>Alias history</h2><div class=\"scroll\"><table id=\"alias-history\"><thead><tr><th>at</th><th>who</th>")
                .append("<th>action</th><th>alias</th><th>from</th><th>to</th><th>reason</th></tr></thead><tbody>");
        for (int i = log.size() - 1; i >= 0; i--) {
            AuditEvent e = log.get(i);
            if (e.alias() != null) {
                AuditPage.row(b, e, false);
            }
        }
        b.append("</tbody></table></div>");
    }

    /** Accuracy and F1, or MSE and R², as the model's task has them. */
    static String headline(Map<String, Double> m) {
        StringBuilder s = new StringBuilder();
        for (String k : List.of("accuracy", "f1", "mse", "r2")) {
            if (m.containsKey(k)) {
                s.append(s.length() == 0 ? "" : " ").append(k).append(' ').append(Html.num(m.get(k)));
            }
        }
        return s.toString();
    }
}
