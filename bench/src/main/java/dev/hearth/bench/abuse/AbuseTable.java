package dev.hearth.bench.abuse;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders abuse-suite results (the JSON-ready map of {@link AbuseReport#toMap()}) as Markdown tables. */
public final class AbuseTable {
    private static final List<String> COMMON = List.of(LoadReport.NO_OOM, LoadReport.PSS, LoadReport.METRICS,
            LoadReport.CLIENTS, LoadReport.READY);

    private AbuseTable() {}

    /** A section for {@code bench/RESULTS.md}: set-up, figures per load, verdict per target per load. */
    public static String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder("### Abuse suite (hostile loads against `bin/hearth serve`)\n\n");
        Map<String, Object> p = map(r.get("profile"));
        md.append(String.format(Locale.ROOT, "%s. Well-behaved: %s. Each HTTP load %s s from %s threads (at most"
                + " %s req/s; bombs %s threads; maximum-size bodies 4 threads, 40 req/s), then %s s of well-behaved"
                + " traffic alone; %s slow connections; %s kill trials. Loopback only; mode %s, seed %s, %s server"
                + " start(s).%n%n",
                r.get("server"), r.get("clients"), p.get("loadSeconds"), p.get("hostileThreads"), p.get("hostileRate"),
                p.get("bombThreads"), p.get("afterSeconds"), p.get("slowConnections"), p.get("killTrials"), r.get("mode"), r.get("seed"),
                r.get("serverStarts")));
        md.append("| load | sent | 2xx | 4xx | 503 (with Retry-After) | other 5xx | errors | server PSS MB before / max"
                + " / after | heap used MB before / max / after | /metrics bytes before -> after (series) |"
                + " well-behaved ok / sent | well-behaved p99 ms | ready after |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Object o : (List<?>) r.get("loads")) {
            Map<String, Object> l = map(o);
            Map<String, Object> q = map(l.get("requests"));
            Map<String, Object> during = map(l.get("clientsDuring"));
            List<?> bytes = (List<?>) l.get("metricsBytes");
            List<?> series = (List<?>) l.get("metricsSeries");
            md.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s -> %s (%s -> %s)"
                    + " | %s / %s | %.1f | %s |%n", l.get("id"), l.get("title"), q.get("sent"), q.get("2xx"),
                    q.get("4xx"), q.get("503"), q.get("503WithRetryAfter"), q.get("5xxOther"), q.get("errors"),
                    triple(l.get("pssMb")), triple(l.get("heapUsedMb")), bytes.get(0), bytes.get(1), series.get(0),
                    series.get(1), during.get("ok"), during.get("sent"), ((Number) during.get("p99Ms")).doubleValue(),
                    Boolean.TRUE.equals(l.get("ready")) ? "yes" : Boolean.TRUE.equals(l.get("alive")) ? "**no**"
                            : "**no (exited)**"));
        }
        md.append("\n| load | ").append(String.join(" | ", COMMON)).append(" | load's own |\n|---");
        md.append("|---".repeat(COMMON.size() + 1)).append("|\n");
        for (Object o : (List<?>) r.get("loads")) {
            Map<String, Object> l = map(o);
            Map<String, Object> targets = map(l.get("targets"));
            md.append("| ").append(l.get("id"));
            for (String name : COMMON) {
                md.append(" | ").append(cell(map(targets.get(name))));
            }
            StringBuilder own = new StringBuilder();
            targets.forEach((name, v) -> {
                if (!COMMON.contains(name)) {
                    own.append(own.length() == 0 ? "" : "; ").append(name).append(": ").append(cell(map(v)));
                }
            });
            md.append(" | ").append(own.length() == 0 ? "" : own).append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "%nTargets failed: **%s** of %s judged.%n", r.get("targetsFailed"),
                r.get("targetsJudged")));
        for (Object o : (List<?>) r.get("loads")) {
            Map<String, Object> l = map(o);
            if (Boolean.TRUE.equals(l.get("serverRestartedAfter"))) {
                md.append("- The server was restarted after load ").append(l.get("id"))
                        .append(" (dead, unready or failing well-behaved requests); later loads ran on a fresh one.\n");
            }
        }
        return md.append('\n').toString();
    }

    private static String cell(Map<String, Object> t) {
        if (t == null) {
            return "";
        }
        String v = switch ((String) t.get("verdict")) {
            case "PASS" -> "PASS";
            case "FAIL" -> "**FAIL**";
            default -> "n/a";
        };
        Object m = t.get("measured");
        return m == null || m.toString().isEmpty() ? v : v + " (" + m.toString().replace("|", "/") + ")";
    }

    private static String triple(Object o) {
        List<?> l = (List<?>) o;
        StringBuilder b = new StringBuilder();
        for (Object v : l) {
            long n = ((Number) v).longValue();
            b.append(b.length() == 0 ? "" : " / ").append(n < 0 ? "?" : String.format(Locale.ROOT, "%,d", n));
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        if (o instanceof Map<?, ?>) {
            return (Map<String, Object>) o;
        }
        if (o instanceof AbuseProfile p) {
            return Map.of("loadSeconds", p.loadSeconds(), "hostileThreads", p.hostileThreads(), "hostileRate",
                    p.hostileRate(), "bombThreads", p.bombThreads(), "afterSeconds", p.afterSeconds(),
                    "slowConnections", p.slowConnections(), "killTrials", p.killTrials());
        }
        return null;
    }
}
