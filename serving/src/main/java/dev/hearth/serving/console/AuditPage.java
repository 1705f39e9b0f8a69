package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The audit log across the models the viewer may read (alias moves, removals, rollbacks, deletions, retrain
 * rejections and conflicts, console tags), newest first, filterable by model and action.
 */
final class AuditPage {
    /** Most entries one page shows. */
    static final int LIMIT = 1000;

    private final ModelStore store;

    AuditPage(ModelStore store) {
        this.store = store;
    }

    String render(Viewer viewer, String model, String action) {
        String m = model == null || model.isBlank() ? null : ModelNames.validate("model", model.strip());
        String a = action == null || action.isBlank() ? null : action.strip();
        List<AuditEvent> all = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (String name : store.listModels()) {
            if (!viewer.canRead(name)) {
                continue;
            }
            names.add(name);
            if (m == null || m.equals(name)) {
                all.addAll(store.auditLog(name));
            }
        }
        TreeSet<String> actions = new TreeSet<>(List.of(
                AuditEvent.ALIAS_SET,
                AuditEvent.ALIAS_REMOVE,
                AuditEvent.ROLLBACK,
                AuditEvent.DELETE,
                AuditEvent.GC,
                "retrain-rejected",
                "retrain-conflict",
                ManageActions.TAG));
        all.forEach(e -> actions.add(e.action()));
        all.sort(Comparator.comparing(AuditEvent::at).reversed());
        StringBuilder b = new StringBuilder(32 * 1024);
        b.append(
                        "<form class=\"filter\" method=\"get\" action=\"/console/audit\"><label>Model <select name=\"model\" id=\"audit-model\">")
                .append("<option value=\"\">all</option>");
        for (String n : names) {
            b.append("<option")
                    .append(n.equals(m) ? " selected" : "")
                    .append(">")
                    .append(esc(n))
                    .append("</option>");
        }
        b.append(
                "</select></label> <label>Action <select name=\"action\" id=\"audit-action\"><option value=\"\">all</option>");
        for (String x : actions) {
            b.append("<option")
                    .append(x.equals(a) ? " selected" : "")
                    .append(">")
                    .append(esc(x))
                    .append("</option>");
        }
        b.append(
                        "</select></label> <button type=\"submit\">Filter</button></form><div class=\"scroll\"><table id=\"audit\">")
                .append("<thead><tr><th>model</th><th>at</th><th>who</th><th>action</th><th>alias</th><th>from</th>")
                .append("<th>to</th><th>reason</th></tr></thead><tbody>");
        int shown = 0;
        for (AuditEvent e : all) {
            if (a != null && !a.equals(e.action())) {
                continue;
            }
            if (++shown > LIMIT) {
                break;
            }
            row(b, e, true);
        }
        b.append("</tbody></table></div><p class=\"muted\">")
                .append(Math.min(shown, LIMIT))
                .append(" entries")
                .append(shown > LIMIT ? " (newest " + LIMIT + " shown)" : "")
                .append("</p>");
        return Html.page("Audit log", viewer, b.toString());
    }

    /** One audit entry as a table row, with or without the model column. */
    static void row(StringBuilder b, AuditEvent e, boolean withModel) {
        b.append("<tr>");
        if (withModel) {
            b.append("<td>").append(esc(e.model())).append("</td>");
        }
        b.append("<td>")
                .append(esc(e.at()))
                .append("</td><td>")
                .append(esc(e.who()))
                .append("</td><td>")
                .append(esc(e.action()))
                .append("</td><td>")
                .append(esc(e.alias()))
                .append("</td><td>")
                .append(e.from() == null ? "" : e.from())
                .append("</td><td>")
                .append(e.to() == null ? "" : e.to())
                .append("</td><td>")
                .append(esc(e.reason()))
                .append("</td></tr>");
    }
}
