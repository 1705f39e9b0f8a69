package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;
import static dev.hearth.serving.console.Html.url;

import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The models page: every model the viewer may read, with its latest version, aliases and their targets, whether
 * and which version this server serves, requests/s and p99 over the last 5 minutes, and the latest version's
 * retrain decision tag. Per model it reads the newest version's metadata and the aliases, not every version, on a
 * few threads at once: the reads are file-system round trips, and one after the other they dominate the page on a
 * store of hundreds of models.
 */
final class ModelsPage implements AutoCloseable {
    private static final int READERS = 4;
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final ModelStore store;
    private final ServedModels served;
    private final MetricsSampler sampler;
    private final java.util.concurrent.ExecutorService readers;

    /** What one row shows from the store. */
    private record Row(String name, ModelVersion latest, Map<String, Integer> aliases) {}

    /** @param sampler null when no model server runs behind the console */
    ModelsPage(ModelStore store, ServedModels served, MetricsSampler sampler) {
        this.store = store;
        this.served = served;
        this.sampler = sampler;
        this.readers = java.util.concurrent.Executors.newFixedThreadPool(READERS, r -> {
            Thread t = new Thread(r, "console-store-reader");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }

    private Row row(String name) {
        try {
            return new Row(name, store.resolve(new ModelRef(name, 0)), store.aliases(name));
        } catch (ModelNotFoundException e) {
            return null; // deleted between the listing and the read
        }
    }

    /** The page's HTML for {@code filter} (a substring of the name; empty: all). */
    String render(Viewer viewer, String filter) {
        String q = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
        if (q.length() > 64) {
            q = q.substring(0, 64);
        }
        Map<String, Integer> servedNow = served.served();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<form class=\"filter\" method=\"get\" action=\"/console/models\">")
                .append("<label>Filter by name <input type=\"search\" name=\"q\" id=\"filter\" value=\"")
                .append(esc(q)).append("\"></label> <button type=\"submit\">Filter</button></form>")
                .append("<div class=\"scroll\"><table id=\"models\"><thead><tr><th>model</th><th>latest</th>")
                .append("<th>aliases</th><th>served here</th><th>req/s (5 min)</th><th>p99 ms (5 min)</th>")
                .append("<th>last retrain decision</th></tr></thead><tbody>");
        int shown = 0;
        List<java.util.concurrent.Future<Row>> rows = new ArrayList<>();
        for (String name : store.listModels()) {
            if (viewer.canRead(name) && (q.isEmpty() || name.contains(q))) {
                rows.add(readers.submit(() -> row(name)));
            }
        }
        for (java.util.concurrent.Future<Row> f : rows) {
            Row row = get(f);
            if (row == null) {
                continue;
            }
            String name = row.name();
            ModelVersion latest = row.latest();
            shown++;
            b.append("<tr><td><a href=\"/console/models/").append(url(name)).append("\">").append(esc(name))
                    .append("</a></td><td><a href=\"/console/models/").append(url(name)).append("/versions/")
                    .append(latest.version()).append("\">").append(latest.version()).append("</a></td><td>");
            row.aliases().forEach((alias, v) -> b.append("<span class=\"alias\">").append(esc(alias))
                    .append(" → ").append(v).append("</span> "));
            Integer servedVersion = servedNow.get(name);
            b.append("</td><td>").append(servedVersion == null ? "no" : servedVersion == 0 ? "not loaded"
                    : "version " + servedVersion).append("</td>");
            Optional<MetricsSampler.Point> rate = servedVersion == null || sampler == null ? Optional.empty()
                    : sampler.over(name, WINDOW);
            b.append("<td>").append(rate.map(p -> fmt(p.rps())).orElse("")).append("</td><td>")
                    .append(rate.map(p -> fmt(p.p99Ms())).orElse("")).append("</td><td>");
            String decision = latest.metadata().tags().get("decision");
            if (decision != null) {
                b.append(esc(decision)).append(" (version ").append(latest.version()).append(")");
            }
            b.append("</td></tr>");
        }
        b.append("</tbody></table></div><p class=\"muted\">").append(shown).append(" models")
                .append(q.isEmpty() ? "" : " matching “" + esc(q) + "”")
                .append(sampler == null ? "; no model server behind this console (registry view)" : "")
                .append("</p>");
        return Html.page("Models", viewer, b.toString());
    }

    private static Row get(java.util.concurrent.Future<Row> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the store", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "";
    }
}
