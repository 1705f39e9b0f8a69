package dev.hearth.bench.abuse;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders abuse-suite results (the JSON-ready map of {@link AbuseReport#toMap()}) as Markdown tables. */
public final class AbuseTable {
    private static final List<String> COMMON =
            List.of(LoadReport.NO_OOM, LoadReport.PSS, LoadReport.METRICS, LoadReport.CLIENTS, LoadReport.READY);

    private AbuseTable() {}

    /** A section for {@code bench/RESULTS.md}: set-up, figures per load, verdict per target per load. */
    public static String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder("### Abuse suite (hostile loads against `bin/hearth serve`)\n\n");
        setup(md, r);
        List<?> loads = (List<?>) r.get("loads");
        figures(md, loads);
        targets(md, loads);
        md.append(String.format(
                Locale.ROOT,
                "%nTargets failed: **%s** of %s judged.%n",
                r.get("targetsFailed"),
                r.get("targetsJudged")));
        for (Object o : loads) {
            details(md, map(o));
        }
        return md.append('\n').toString();
    }

    private static void setup(StringBuilder md, Map<String, Object> r) {
        Map<String, Object> p = map(r.get("profile"));
        md.append(String.format(
                Locale.ROOT,
                "%s. Well-behaved: %s. Each HTTP load %s s from %s threads (at most"
                        + " %s req/s; bombs %s threads; maximum-size bodies 4 threads, 40 req/s), then %s s of well-behaved"
                        + " traffic alone; %s slow connections; %s kill trials. Loopback only; mode %s, seed %s, %s server"
                        + " start(s).%n%n",
                r.get("server"),
                r.get("clients"),
                p.get("loadSeconds"),
                p.get("hostileThreads"),
                p.get("hostileRate"),
                p.get("bombThreads"),
                p.get("afterSeconds"),
                p.get("slowConnections"),
                p.get("killTrials"),
                r.get("mode"),
                r.get("seed"),
                r.get("serverStarts")));
    }

    /** The figures table: one row per load. */
    private static void figures(StringBuilder md, List<?> loads) {
        md.append("| load | sent | 2xx | 4xx | 503 (with Retry-After) | other 5xx | errors | server PSS MB before / max"
                + " / after | heap used MB before / max / after | /metrics bytes before -> after (series) |"
                + " well-behaved ok / sent | well-behaved p99 ms | ready after |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Object o : loads) {
            Map<String, Object> l = map(o);
            Map<String, Object> q = map(l.get("requests"));
            Map<String, Object> during = map(l.get("clientsDuring"));
            List<?> bytes = (List<?>) l.get("metricsBytes");
            List<?> series = (List<?>) l.get("metricsSeries");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s -> %s" + " | %s / %s | %.1f | %s |%n",
                    l.get("id"),
                    l.get("title"),
                    q.get("sent"),
                    q.get("2xx"),
                    q.get("4xx"),
                    q.get("503"),
                    q.get("503WithRetryAfter"),
                    q.get("5xxOther"),
                    q.get("errors"),
                    triple(l.get("pssMb")),
                    triple(l.get("heapUsedMb")),
                    scrape(bytes.get(0), series.get(0)),
                    scrape(bytes.get(1), series.get(1)),
                    during.get("ok"),
                    during.get("sent"),
                    ((Number) during.get("p99Ms")).doubleValue(),
                    Boolean.TRUE.equals(l.get("ready"))
                            ? "yes"
                            : Boolean.TRUE.equals(l.get("alive")) ? "**no**" : "**no (exited)**"));
        }
    }

    /** The verdicts table: one row per load, the common targets first, then the load's own in one cell. */
    private static void targets(StringBuilder md, List<?> loads) {
        md.append("\n| load | ").append(String.join(" | ", COMMON)).append(" | load's own |\n|---");
        md.append("|---".repeat(COMMON.size() + 1)).append("|\n");
        for (Object o : loads) {
            Map<String, Object> l = map(o);
            Map<String, Object> targets = map(l.get("targets"));
            md.append("| ").append(l.get("id"));
            for (String name : COMMON) {
                md.append(" | ").append(cell(map(targets.get(name))));
            }
            StringBuilder own = new StringBuilder();
            targets.forEach((name, v) -> {
                if (!COMMON.contains(name)) {
                    own.append(own.length() == 0 ? "" : "; ")
                            .append(name)
                            .append(": ")
                            .append(cell(map(v)));
                }
            });
            md.append(" | ").append(own.length() == 0 ? "" : own).append(" |\n");
        }
    }

    /** One line per load with what the tables leave out: failures seen by clients, load-specific figures. */
    private static void details(StringBuilder md, Map<String, Object> l) {
        StringBuilder d = new StringBuilder();
        Map<String, Object> during = map(l.get("clientsDuring"));
        Map<String, Object> failures = map(during.get("failures"));
        if (failures != null && !failures.isEmpty()) {
            d.append("well-behaved failures ").append(failures).append("; ");
        }
        Map<String, Object> q = map(l.get("requests"));
        if (q.get("errorSamples") instanceof List<?> errors && !errors.isEmpty()) {
            d.append("hostile transport errors e.g. ").append(errors.get(0)).append("; ");
        }
        loadSpecific(d, l);
        if (l.get("heapProblem") != null) {
            d.append("heap not readable: ").append(l.get("heapProblem")).append("; ");
        }
        if (Boolean.TRUE.equals(l.get("serverRestartedAfter"))) {
            d.append("the server was restarted after this load (dead, unready or failing well-behaved requests); ");
        }
        if (d.length() > 0) {
            md.append("- ")
                    .append(l.get("id"))
                    .append(": ")
                    .append(d, 0, d.length() - 2)
                    .append(".\n");
        }
    }

    /** The slow connections', tampered models' and kill trials' own figures, where the load has them. */
    private static void loadSpecific(StringBuilder d, Map<String, Object> l) {
        Map<String, Object> slow = map(l.get("slowConnections"));
        if (slow != null) {
            d.append(String.format(
                    Locale.ROOT,
                    "%s of %s connected in %.1f s, %s still open at the end, %s closed by"
                            + " the server unanswered (%s); ",
                    slow.get("connected"),
                    slow.get("connections"),
                    ((Number) slow.get("openSeconds")).doubleValue(),
                    slow.get("openAtEnd"),
                    slow.get("closedByServer"),
                    slow.get("mix")));
        }
        if (l.containsKey("versionedInferStatus")) {
            d.append(String.format(
                    Locale.ROOT,
                    "published as version %s; /versions/%s/infer answered %s: `%s`;"
                            + " served version afterwards %s; ",
                    l.get("version"),
                    l.get("version"),
                    l.get("versionedInferStatus"),
                    String.valueOf(l.get("versionedInferAnswer"))
                            .replace("|", "/")
                            .replace("`", "'"),
                    l.get("servedVersionAfter")));
        }
        Map<String, Object> kills = map(l.get("killTrials"));
        if (kills != null) {
            d.append(String.format(
                    Locale.ROOT,
                    "%s of %s runs killed, %s during the removal, %s while the aliased"
                            + " version was hidden; calibration gc %s ms, delete %s ms; ",
                    kills.get("killed"),
                    kills.get("trials"),
                    kills.get("killedDuringRemoval"),
                    kills.get("killedWhileAliasedVersionHidden"),
                    kills.get("calibrationGcMs"),
                    kills.get("calibrationDeleteMs")));
        }
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

    /** {@code bytes (series)} of one scrape, or that the server did not answer it. */
    private static String scrape(Object bytes, Object series) {
        long b = ((Number) bytes).longValue();
        return b < 0 ? "no answer" : String.format(Locale.ROOT, "%,d (%,d)", b, ((Number) series).longValue());
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
            return Map.of(
                    "loadSeconds",
                    p.loadSeconds(),
                    "hostileThreads",
                    p.hostileThreads(),
                    "hostileRate",
                    p.hostileRate(),
                    "bombThreads",
                    p.bombThreads(),
                    "afterSeconds",
                    p.afterSeconds(),
                    "slowConnections",
                    p.slowConnections(),
                    "killTrials",
                    p.killTrials());
        }
        return null;
    }
}
