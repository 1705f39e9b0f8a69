package dev.hearth.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown of one {@link FleetBench} result: the throughput table, then one row per phase. */
final class FleetTable {
    private FleetTable() {}

    static String markdown(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        throughput(b, r);
        b.append(String.format(
                Locale.ROOT,
                "Under %d connections for %.0f s (%s requests in all):%n%n",
                FleetBench.CONNECTIONS,
                r.get("loadSeconds"),
                r.get("totalRequests")));
        b.append("| phase | requests | failed | result |\n|---|---|---|---|\n");
        releaseRestartKill(b, r);
        canary(b, (Map<?, ?>) r.get("d"));
        Map<?, ?> e = (Map<?, ?>) r.get("e");
        b.append(String.format(
                Locale.ROOT,
                "| (e) shadow 100 %% on v4 | %s | %s | agreement %.4f reported (merged"
                        + " from the store, %s rows) vs %.4f expected |%n",
                e.get("requests"),
                e.get("failed"),
                e.get("reportedAgreement"),
                e.get("shadowedRows"),
                e.get("expectedAgreement")));
        return b.toString();
    }

    private static void throughput(StringBuilder b, Map<String, Object> r) {
        Map<?, ?> t1 = (Map<?, ?>) r.get("throughput1");
        Map<?, ?> t3 = (Map<?, ?>) r.get("throughput3");
        b.append("\n### Fleet: replicas behind HAProxy (`bench/run --only fleet`)\n\n");
        b.append(String.format(
                Locale.ROOT,
                "%d connections, single-row requests to a 16-32-3 classifier, wrk through"
                        + " HAProxy 2.6 on loopback; both fleets run side by side, wrk alternates between them (after warm-up);"
                        + " %s.%n%n",
                FleetBench.CONNECTIONS,
                r.get("note")));
        b.append("| replicas | requests/s (median, range) | p99 ms (median, range) |\n|---|---|---|\n");
        for (Map<?, ?> t : List.of(t1, t3)) {
            Stats rps = (Stats) t.get("requestsPerSecond");
            Stats p99 = (Stats) t.get("p99Millis");
            b.append(String.format(
                    Locale.ROOT,
                    "| %d | %.0f (%.0f-%.0f) | %.1f (%.1f-%.1f) |%n",
                    t == t1 ? 1 : 3,
                    rps.median(),
                    rps.min(),
                    rps.max(),
                    p99.median(),
                    p99.min(),
                    p99.max()));
        }
        b.append(String.format(Locale.ROOT, "%n3 replicas / 1 replica: **%.2fx**.%n%n", r.get("ratio3to1")));
    }

    /** Phases (a) to (c). */
    private static void releaseRestartKill(StringBuilder b, Map<String, Object> r) {
        Map<?, ?> a = (Map<?, ?>) r.get("a");
        b.append(String.format(
                Locale.ROOT,
                "| (a) production 1 → 2 | %s | %s | %s of 3 replicas on v2 within %s ms," + " %s flip-backs |%n",
                a.get("requests"),
                a.get("failed"),
                a.get("replicasConverged"),
                a.get("convergenceMillis"),
                a.get("flipBacks")));
        Map<?, ?> bb = (Map<?, ?>) r.get("b");
        b.append(String.format(
                Locale.ROOT,
                "| (b) rolling restart, drain | %s | %s | %.1f s for 3 replicas |%n",
                bb.get("requests"),
                bb.get("failed"),
                bb.get("seconds")));
        Map<?, ?> c = (Map<?, ?>) r.get("c");
        b.append(String.format(
                Locale.ROOT,
                "| (c) SIGKILL r2, restart | %s | %s | HAProxy retries requests whose" + " connection failed |%n",
                c.get("requests"),
                c.get("failed")));
    }

    private static void canary(StringBuilder b, Map<?, ?> d) {
        for (Object o : (List<?>) d.get("steps")) {
            Map<?, ?> s = (Map<?, ?>) o;
            b.append(String.format(
                    Locale.ROOT,
                    "| (d) canary %s %% | %s | %s | %.2f %% of %s own-key requests on the" + " canary |%n",
                    s.get("percent"),
                    s.get("requests"),
                    s.get("failed"),
                    100 * ((Number) s.get("canaryShare")).doubleValue(),
                    s.get("uniqueKeyRequests")));
        }
        b.append(String.format(
                Locale.ROOT,
                "| (d) stickiness | | | %s sticky keys, %s violations |%n",
                d.get("stickyKeys"),
                d.get("stickinessViolations")));
    }
}
