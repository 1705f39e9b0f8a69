package dev.hearth.serving.console;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Server-rendered SVG line charts of a model's sampled metrics (no charting library, no script in the SVG): one
 * chart per kind, one polyline per series, the y axis from 0 to the largest value, the x axis over the sampled
 * window. Gaps (no requests in an interval) leave the latency line broken rather than drawing zeros.
 */
final class ChartSvg {
    private static final int W = 560;
    private static final int H = 170;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 24;
    private static final int BOTTOM = 26;
    private static final int PLOT_H = H - TOP - BOTTOM;
    private static final int PLOT_W = W - LEFT - RIGHT;

    /** The charts the service page shows. */
    enum Kind {
        RPS("requests/s", List.of(new Series("req/s", "#1f6feb", MetricsSampler.Point::rps))),
        LATENCY(
                "latency ms",
                List.of(
                        new Series("p50", "#1f6feb", MetricsSampler.Point::p50Ms),
                        new Series("p99", "#d97706", MetricsSampler.Point::p99Ms))),
        BATCH("rows per forward pass", List.of(new Series("mean rows", "#1f6feb", MetricsSampler.Point::batchRows))),
        ERRORS(
                "errors/s",
                List.of(
                        new Series("4xx", "#d97706", MetricsSampler.Point::clientErrorsPerSec),
                        new Series("5xx", "#c0392b", MetricsSampler.Point::serverErrorsPerSec)));

        final String title;
        final List<Series> series;

        Kind(String title, List<Series> series) {
            this.title = title;
            this.series = series;
        }

        /** Parses a {@code kind} query value. */
        static Kind parse(String value) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(value)) {
                    return k;
                }
            }
            throw new dev.hearth.serving.http.BadRequestException("chart kind must be one of rps, latency, batch, "
                    + "errors but was '" + (value == null ? "" : value.length() > 40 ? value.substring(0, 40) : value)
                    + "'");
        }
    }

    private record Series(String label, String color, ToDoubleFunction<MetricsSampler.Point> value) {}

    private ChartSvg() {}

    /** The chart of {@code points} (oldest first) as a standalone SVG document. */
    static String render(String model, Kind kind, List<MetricsSampler.Point> points) {
        double max = scale(kind, points);
        StringBuilder b = new StringBuilder(4096);
        header(b, model, kind);
        legend(b, kind);
        grid(b, max);
        if (points.size() < 2) {
            b.append("<text x=\"")
                    .append(LEFT + 10)
                    .append("\" y=\"")
                    .append(TOP + PLOT_H / 2)
                    .append("\">collecting samples…</text>");
        } else {
            lines(b, kind, points, max);
        }
        return b.append("</g></svg>").toString();
    }

    /** The top of the y axis: a round number at or above the largest finite value, 1 when there is none. */
    private static double scale(Kind kind, List<MetricsSampler.Point> points) {
        double max = 0;
        for (MetricsSampler.Point p : points) {
            for (Series s : kind.series) {
                double v = s.value().applyAsDouble(p);
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        return max <= 0 ? 1 : niceCeiling(max);
    }

    private static void header(StringBuilder b, String model, Kind kind) {
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" role=\"img\">")
                .append("<g font-family=\"sans-serif\" font-size=\"11\" fill=\"#333\">")
                .append("<title>")
                .append(Html.esc(model + " " + kind.title))
                .append("</title>")
                .append("<text x=\"")
                .append(LEFT)
                .append("\" y=\"14\">")
                .append(Html.esc(model))
                .append(" · ")
                .append(Html.esc(kind.title))
                .append("</text>");
    }

    private static void legend(StringBuilder b, Kind kind) {
        int legendX = W - RIGHT - 70 * kind.series.size();
        for (Series s : kind.series) {
            b.append("<line stroke=\"")
                    .append(s.color())
                    .append("\" x1=\"")
                    .append(legendX)
                    .append("\" y1=\"10\" x2=\"")
                    .append(legendX + 14)
                    .append("\" y2=\"10\" stroke-width=\"3\"/><text x=\"")
                    .append(legendX + 18)
                    .append("\" y=\"14\">")
                    .append(Html.esc(s.label()))
                    .append("</text>");
            legendX += 70;
        }
    }

    /** Three horizontal grid lines labelled 0, max/2 and max, and the y axis. */
    private static void grid(StringBuilder b, double max) {
        for (int i = 0; i <= 2; i++) {
            double y = TOP + PLOT_H * (1 - i / 2.0);
            b.append("<line stroke=\"#e4e4e4\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(W - RIGHT)
                    .append("\" y1=\"")
                    .append(fmt(y))
                    .append("\" y2=\"")
                    .append(fmt(y))
                    .append("\"/><text x=\"")
                    .append(LEFT - 4)
                    .append("\" y=\"")
                    .append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(label(max * i / 2.0))
                    .append("</text>");
        }
        b.append("<line stroke=\"#999\" x1=\"")
                .append(LEFT)
                .append("\" x2=\"")
                .append(LEFT)
                .append("\" y1=\"")
                .append(TOP)
                .append("\" y2=\"")
                .append(TOP + PLOT_H)
                .append("\"/>");
    }

    /** One line per series over the sampled window (broken at gaps), and the window's length. */
    private static void lines(StringBuilder b, Kind kind, List<MetricsSampler.Point> points, double max) {
        long t0 = points.get(0).atMillis();
        long t1 = points.get(points.size() - 1).atMillis();
        double span = Math.max(1, t1 - t0);
        for (Series s : kind.series) {
            StringBuilder line = new StringBuilder();
            for (MetricsSampler.Point p : points) {
                double v = s.value().applyAsDouble(p);
                if (!Double.isFinite(v)) {
                    flush(b, line, s);
                    continue;
                }
                double x = LEFT + PLOT_W * (p.atMillis() - t0) / span;
                double y = TOP + PLOT_H * (1 - v / max);
                line.append(fmt(x)).append(',').append(fmt(y)).append(' ');
            }
            flush(b, line, s);
        }
        b.append("<text x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(H - 8)
                .append("\">last ")
                .append(Math.round(span / 1000))
                .append(" s</text>");
    }

    private static void flush(StringBuilder b, StringBuilder line, Series s) {
        String pts = line.toString().strip();
        if (!pts.isEmpty() && pts.indexOf(' ') < 0) {
            // one point between gaps: a dot, since a polyline of one point draws nothing
            String[] xy = pts.split(",");
            b.append("<circle r=\"2.5\" fill=\"")
                    .append(s.color())
                    .append("\" cx=\"")
                    .append(xy[0])
                    .append("\" cy=\"")
                    .append(xy[1])
                    .append("\"/>");
            line.setLength(0);
            return;
        }
        if (line.length() > 0) {
            b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
                    .append(s.color())
                    .append("\" points=\"")
                    .append(line.toString().strip())
                    .append("\"/>");
            line.setLength(0);
        }
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String label(double v) {
        return v >= 100 || v == Math.rint(v)
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
