package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;
import static dev.hearth.serving.console.Html.url;

import dev.hearth.store.ModelVersion;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The models page: every model the viewer may read, with its latest version, aliases and their targets, whether
 * and which version this server serves, requests/s and p99 over the last 5 minutes, and the latest version's
 * retrain decision tag. The store part comes from {@link ModelsSnapshot}; the page says how old it is.
 */
final class ModelsPage {
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final ModelsSnapshot snapshots;
    private final ServedModels served;
    private final MetricsSampler sampler;

    /** @param sampler null when no model server runs behind the console */
    ModelsPage(ModelsSnapshot snapshots, ServedModels served, MetricsSampler sampler) {
        this.snapshots = snapshots;
        this.served = served;
        this.sampler = sampler;
    }

    /** The page's HTML for {@code filter} (a substring of the name; empty: all), and the snapshot it shows. */
    String render(Viewer viewer, String filter, ModelsSnapshot.Snapshot snapshot) {
        String q = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
        if (q.length() > 64) {
            q = q.substring(0, 64);
        }
        Map<String, Integer> servedNow = served.served();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<form class=\"filter\" method=\"get\" action=\"/console/models\">")
                .append("<label>Filter by name <input type=\"search\" name=\"q\" id=\"filter\" value=\"")
                .append(esc(q))
                .append("\"></label> <button type=\"submit\">Filter</button></form>")
                .append("<div class=\"scroll\"><table id=\"models\"><thead><tr><th>model</th><th>latest</th>")
                .append("<th>aliases</th><th>served here</th><th>req/s (5 min)</th><th>p99 ms (5 min)</th>")
                .append("<th>last retrain decision</th></tr></thead><tbody>");
        int shown = 0;
        for (ModelsSnapshot.Row row : snapshot.rows()) {
            String name = row.name();
            if (!viewer.canRead(name) || (!q.isEmpty() && !name.contains(q))) {
                continue;
            }
            ModelVersion latest = row.latest();
            shown++;
            b.append("<tr><td><a href=\"/console/models/")
                    .append(url(name))
                    .append("\">")
                    .append(esc(name))
                    .append("</a></td><td><a href=\"/console/models/")
                    .append(url(name))
                    .append("/versions/")
                    .append(latest.version())
                    .append("\">")
                    .append(latest.version())
                    .append("</a></td><td>");
            row.aliases()
                    .forEach((alias, v) -> b.append("<span class=\"alias\">")
                            .append(esc(alias))
                            .append(" → ")
                            .append(v)
                            .append("</span> "));
            Integer servedVersion = servedNow.get(name);
            b.append("</td><td>")
                    .append(
                            servedVersion == null
                                    ? "no"
                                    : servedVersion == 0 ? "not loaded" : "version " + servedVersion)
                    .append("</td>");
            Optional<MetricsSampler.Point> rate =
                    servedVersion == null || sampler == null ? Optional.empty() : sampler.over(name, WINDOW);
            b.append("<td>")
                    .append(rate.map(p -> fmt(p.rps())).orElse(""))
                    .append("</td><td>")
                    .append(rate.map(p -> fmt(p.p99Ms())).orElse(""))
                    .append("</td><td>");
            String decision = latest.metadata().tags().get("decision");
            if (decision != null) {
                b.append(esc(decision))
                        .append(" (version ")
                        .append(latest.version())
                        .append(")");
            }
            b.append("</td></tr>");
        }
        long ageSeconds = Math.max(0, (System.currentTimeMillis() - snapshot.takenAtMillis()) / 1000);
        b.append("</tbody></table></div><p class=\"muted\" id=\"models-note\">")
                .append(shown)
                .append(" models")
                .append(q.isEmpty() ? "" : " matching “" + esc(q) + "”")
                .append(String.format(
                        Locale.ROOT,
                        "; store read %d s ago in %.0f ms (re-read in the background "
                                + "when older than the refresh interval)",
                        ageSeconds,
                        snapshot.readMillis()))
                .append(sampler == null ? "; no model server behind this console (registry view)" : "")
                .append("</p>");
        return Html.page("Models", viewer, b.toString());
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "";
    }
}
