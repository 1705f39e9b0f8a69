package dev.hearth.notebook.display;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.MetadataDiff;
import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** HTML tables (with aligned plain-text fallbacks) of model versions, metrics, metadata diffs and audit logs. */
public final class Tables {
    private Tables() {}

    /** A table of {@code rows} under {@code headers}; cells are escaped, numbers formatted to 4 decimals. */
    public static Html of(List<String> headers, List<? extends List<?>> rows) {
        StringBuilder html = new StringBuilder("<table><thead><tr>");
        headers.forEach(h -> html.append("<th style=\"text-align:left\">")
                .append(Html.escape(h))
                .append("</th>"));
        html.append("</tr></thead><tbody>");
        for (List<?> row : rows) {
            if (row.size() != headers.size()) {
                throw new IllegalArgumentException(
                        "row has " + row.size() + " cells but there are " + headers.size() + " headers: " + row);
            }
            html.append("<tr>");
            row.forEach(c -> html.append("<td style=\"text-align:left\">")
                    .append(Html.escape(cell(c)))
                    .append("</td>"));
            html.append("</tr>");
        }
        html.append("</tbody></table>");
        return new Html(html.toString(), text(headers, rows));
    }

    private static String cell(Object c) {
        if (c == null) {
            return "";
        }
        if (c instanceof Double || c instanceof Float) {
            return String.format(Locale.ROOT, "%.4f", ((Number) c).doubleValue());
        }
        return String.valueOf(c);
    }

    private static String text(List<String> headers, List<? extends List<?>> rows) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<?> r : rows) {
                width[i] = Math.max(width[i], cell(r.get(i)).length());
            }
        }
        StringBuilder b = new StringBuilder();
        List<List<?>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<?> r : all) {
            for (int i = 0; i < width.length; i++) {
                b.append(String.format(Locale.ROOT, "%-" + (width[i] + 2) + "s", cell(r.get(i))));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * One row per version: number, creation time, the aliases pointing at it, test metrics and the network setting.
     *
     * @param versions versions of one model
     * @param aliases the model's alias to version map ({@code ModelStore.aliases(name)})
     */
    public static Html versions(List<ModelVersion> versions, Map<String, Integer> aliases) {
        TreeSet<String> metricNames = new TreeSet<>();
        versions.forEach(v -> metricNames.addAll(v.metadata().metrics().keySet()));
        List<String> headers = new ArrayList<>(List.of("version", "created", "aliases"));
        headers.addAll(metricNames);
        headers.add("network");
        List<List<Object>> rows = new ArrayList<>();
        for (ModelVersion v : versions) {
            List<Object> row = new ArrayList<>();
            row.add(v.ref().toString());
            row.add(v.metadata().createdAt());
            row.add(aliases.entrySet().stream()
                    .filter(a -> a.getValue() == v.version())
                    .map(Map.Entry::getKey)
                    .sorted()
                    .collect(Collectors.joining(", ")));
            metricNames.forEach(m -> row.add(v.metadata().metrics().get(m)));
            Map<String, String> t = v.metadata().training();
            String config = t.getOrDefault("network.config", "");
            row.add(
                    config.isBlank()
                            ? "hidden=" + t.getOrDefault("network.hidden", "?")
                            : java.nio.file.Path.of(config).getFileName().toString());
            rows.add(row);
        }
        return of(headers, rows);
    }

    /** The changes between two versions' metadata ({@code MetadataDiff.between(left, right)}). */
    public static Html diff(List<MetadataDiff.Change> changes, String left, String right) {
        List<List<Object>> rows = changes.stream()
                .map(c -> List.<Object>of(
                        c.section(),
                        c.key(),
                        c.left() == null ? "(absent)" : c.left(),
                        c.right() == null ? "(absent)" : c.right()))
                .collect(Collectors.toList());
        return of(List.of("section", "key", left, right), rows);
    }

    /** Alias moves, rollbacks and deletions, oldest first. */
    public static Html audit(List<AuditEvent> events) {
        List<List<Object>> rows = events.stream()
                .map(e -> List.<Object>of(
                        e.at(),
                        e.action(),
                        e.alias() == null ? "" : e.alias(),
                        e.from() == null ? "" : e.from(),
                        e.to() == null ? "" : e.to(),
                        e.reason() == null ? "" : e.reason()))
                .collect(Collectors.toList());
        return of(List.of("at", "action", "alias", "from", "to", "reason"), rows);
    }
}
