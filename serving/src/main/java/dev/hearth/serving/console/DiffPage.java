package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;
import static dev.hearth.serving.console.Html.url;

import dev.hearth.serving.http.BadRequestException;
import dev.hearth.store.ModelMetadata;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Two versions side by side, section by section: overall metrics, per-class recall, training settings, data
 * fingerprints (the {@code dataset.*} and split entries of provenance), the rest of provenance, tags and
 * signature. Rows whose values differ carry the class {@code changed}.
 */
final class DiffPage {
    private final ModelStore store;

    DiffPage(ModelStore store) {
        this.store = store;
    }

    String render(Viewer viewer, String name, String a, String b) {
        int left = version("a", a);
        int right = version("b", b);
        ModelMetadata l = store.resolve(new ModelRef(name, left)).metadata();
        ModelMetadata r = store.resolve(new ModelRef(name, right)).metadata();
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<p><a href=\"/console/models/")
                .append(url(name))
                .append("\">← ")
                .append(esc(name))
                .append("</a></p>");
        Predicate<String> perClass = k -> k.startsWith("recall.");
        Predicate<String> fingerprint = k -> k.startsWith("dataset.") || k.equals("split") || k.endsWith("Examples");
        int changed = 0;
        changed += section(
                h,
                "Metrics",
                left,
                right,
                filter(l.metrics(), perClass.negate().and(k -> !k.contains("."))),
                filter(r.metrics(), perClass.negate().and(k -> !k.contains("."))));
        changed += section(
                h, "Per-class recall", left, right, filter(l.metrics(), perClass), filter(r.metrics(), perClass));
        changed += section(h, "Training settings", left, right, l.training(), r.training());
        changed += section(
                h,
                "Data fingerprints",
                left,
                right,
                filter(l.provenance(), fingerprint),
                filter(r.provenance(), fingerprint));
        changed += section(
                h,
                "Provenance",
                left,
                right,
                filter(l.provenance(), fingerprint.negate()),
                filter(r.provenance(), fingerprint.negate()));
        changed += section(h, "Tags", left, right, l.tags(), r.tags());
        Map<String, Object> ls = new LinkedHashMap<>();
        Map<String, Object> rs = new LinkedHashMap<>();
        ls.put("framework", l.framework());
        rs.put("framework", r.framework());
        if (l.signature() != null && r.signature() != null) {
            ls.put("labels", l.signature().labelNames());
            rs.put("labels", r.signature().labelNames());
            ls.put("features", l.signature().featureCount());
            rs.put("features", r.signature().featureCount());
            ls.put("normaliser", l.signature().normalizer().kind());
            rs.put("normaliser", r.signature().normalizer().kind());
        }
        changed += section(h, "Signature", left, right, ls, rs);
        String summary = "<p id=\"diff-summary\">" + changed + " values differ between version " + left
                + " and version " + right + " (highlighted).</p>";
        return Html.page(name + ": version " + left + " vs " + right, viewer, summary + h);
    }

    private static int version(String field, String value) {
        try {
            int v = Integer.parseInt(value == null ? "" : value.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRequestException("diff parameter " + field + " must be a version number >= 1 but was '"
                + (value == null ? "" : value.length() > 20 ? value.substring(0, 20) + "..." : value)
                + "'; pick two versions on the model page");
    }

    private static <V> Map<String, V> filter(Map<String, V> m, Predicate<String> keep) {
        Map<String, V> out = new TreeMap<>();
        m.forEach((k, v) -> {
            if (keep.test(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static int section(StringBuilder h, String title, int left, int right, Map<String, ?> l, Map<String, ?> r) {
        TreeSet<String> keys = new TreeSet<>(l.keySet());
        keys.addAll(r.keySet());
        if (keys.isEmpty()) {
            return 0;
        }
        int changed = 0;
        h.append("<h2>")
                .append(esc(title))
                .append("</h2><div class=\"scroll\"><table class=\"diff\"><thead><tr><th></th>")
                .append("<th>version ")
                .append(left)
                .append("</th><th>version ")
                .append(right)
                .append("</th></tr></thead><tbody>");
        for (String k : keys) {
            String a = l.containsKey(k) ? text(l.get(k)) : null;
            String b = r.containsKey(k) ? text(r.get(k)) : null;
            boolean differs = !Objects.equals(a, b);
            changed += differs ? 1 : 0;
            h.append("<tr")
                    .append(differs ? " class=\"changed\"" : "")
                    .append("><th>")
                    .append(esc(k))
                    .append("</th><td>")
                    .append(a == null ? "<span class=\"muted\">absent</span>" : esc(a))
                    .append("</td><td>")
                    .append(b == null ? "<span class=\"muted\">absent</span>" : esc(b))
                    .append("</td></tr>");
        }
        h.append("</tbody></table></div>");
        return changed;
    }

    private static String text(Object o) {
        if (o instanceof Double d) {
            return Html.num(d);
        }
        String s = String.valueOf(o);
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
