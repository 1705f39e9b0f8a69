package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;
import static dev.hearth.serving.console.Html.url;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The service page: per served model, live SVG charts of requests/s, p50/p99 latency, rows per forward pass and
 * 4xx/5xx answers per second, rendered by the server ({@link ChartSvg}) and refreshed by {@code charts.js} every
 * few seconds, plus the last minute's figures in a table.
 */
final class ServicePage {
    private final ServedModels served;
    private final MetricsSampler sampler;

    /** @param sampler null when no model server runs behind the console */
    ServicePage(ServedModels served, MetricsSampler sampler) {
        this.served = served;
        this.sampler = sampler;
    }

    String render(Viewer viewer) {
        StringBuilder b = new StringBuilder(8 * 1024);
        if (sampler == null) {
            b.append("<p class=\"muted\" id=\"no-server\">This console runs without a model server (registry view): "
                    + "there are no live service metrics.</p>");
            return Html.page("Service", viewer, b.toString());
        }
        b.append("<div class=\"scroll\"><table id=\"service\"><thead><tr><th>model</th><th>served version</th>")
                .append("<th>req/s (1 min)</th><th>p50 ms</th><th>p99 ms</th><th>4xx/s</th><th>5xx/s</th>")
                .append("<th>rows per pass</th></tr></thead><tbody>");
        Map<String, Integer> now = served.served();
        StringBuilder charts = new StringBuilder();
        for (Map.Entry<String, Integer> m : now.entrySet()) {
            String name = m.getKey();
            if (!viewer.canRead(name)) {
                continue;
            }
            Optional<MetricsSampler.Point> p = sampler.over(name, Duration.ofMinutes(1));
            b.append("<tr><td>")
                    .append(esc(name))
                    .append("</td><td>")
                    .append(m.getValue())
                    .append("</td>");
            for (double v : p.map(x -> new double[] {
                        x.rps(), x.p50Ms(), x.p99Ms(), x.clientErrorsPerSec(), x.serverErrorsPerSec(), x.batchRows()
                    })
                    .orElse(new double[6])) {
                b.append("<td>")
                        .append(p.isPresent() && Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "")
                        .append("</td>");
            }
            b.append("</tr>");
            charts.append("<h2>").append(esc(name)).append("</h2><div class=\"charts\">");
            for (ChartSvg.Kind k : ChartSvg.Kind.values()) {
                charts.append("<img class=\"chart\" alt=\"")
                        .append(esc(name))
                        .append(' ')
                        .append(k.title)
                        .append("\" src=\"/console/service/chart.svg?model=")
                        .append(url(name))
                        .append("&amp;kind=")
                        .append(k.name().toLowerCase(Locale.ROOT))
                        .append("\">");
            }
            charts.append("</div>");
        }
        b.append("</tbody></table></div><p class=\"muted\">Charts refresh every few seconds from the server's own "
                        + "metrics (sampled in process; latency is the upper bound of its histogram bucket).</p>")
                .append(charts);
        return Html.page("Service", viewer, b.toString(), "charts.js");
    }
}
