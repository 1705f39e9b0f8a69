package dev.hearth.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown of one {@link ServingBench} result: set-up, the points table, the ratios, ceiling and half load. */
final class ServingTable {
    private ServingTable() {}

    static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder();
        setup(md, result);
        points(md, result);
        denseOverDl4j(md, result);
        ceiling(md, result);
        halfSaturation(md, result);
        return md.toString();
    }

    /** The title and how the servers ran. */
    private static void setup(StringBuilder md, Map<String, Object> result) {
        md.append("### Serving (784-256-10, single-row OIP v2 requests)\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Servers in their own JVMs as `bin/hearth serve` runs them (ZGC, 2 GB heap; auth on, access log off, batching max %s rows, max delay"
                        + " %s us), with the default dense forward pass and with DL4J's `output()` (`serving.dense.fast.path=false`); wrk, 1 thread, %s s per point, %s repeats"
                        + " alternating on/off after warm-up, each point once all servers are idle.%n%n",
                result.get("batchMaxSize"),
                result.get("batchMaxDelayMicros"),
                result.get("secondsPerPoint"),
                result.get("repeats")));
    }

    /** One row per forward pass, batching and connection count. */
    @SuppressWarnings("unchecked")
    private static void points(StringBuilder md, Map<String, Object> result) {
        md.append(
                "| forward pass | batching | connections | requests/s, median (min-max) | p50 ms | p99 ms | ratio on / off |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        Map<String, Double> ratios = (Map<String, Double>) result.get("ratioBatchingOnOverOff");
        for (Map<String, Object> p : (List<Map<String, Object>>) result.get("points")) {
            Stats rps = (Stats) p.get("requestsPerSecond");
            boolean on = p.get("batching").equals("on");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %,.0f (%,.0f-%,.0f) | %.2f | %.2f | %s |%n",
                    "dense".equals(p.get("forwardPass")) ? "dense (default)" : "DL4J output()",
                    p.get("batching"),
                    (Integer) p.get("connections"),
                    rps.median(),
                    rps.min(),
                    rps.max(),
                    ((Stats) p.get("p50Ms")).median(),
                    ((Stats) p.get("p99Ms")).median(),
                    on
                            ? String.format(
                                    Locale.ROOT,
                                    "**%.2f**",
                                    ratios.get(p.get("forwardPass") + "/" + p.get("connections")))
                            : ""));
        }
    }

    /** The dense pass against DL4J's {@code output()} at 32 connections. */
    private static void denseOverDl4j(StringBuilder md, Map<String, Object> result) {
        md.append(String.format(
                Locale.ROOT,
                "%nAt 32 connections the dense pass serves %.2fx the requests of DL4J's `output()` with batching"
                        + " and %.2fx without.%n",
                (Double) result.get("ratioDenseOverDl4jBatchedAt32"),
                (Double) result.get("ratioDenseOverDl4jUnbatchedAt32")));
    }

    /** The in-process ceiling of both forward passes. */
    @SuppressWarnings("unchecked")
    private static void ceiling(StringBuilder md, Map<String, Object> result) {
        Map<String, Map<String, Double>> ceiling =
                (Map<String, Map<String, Double>>) result.get("ceilingRowsPerSecond");
        md.append(
                "Ceiling, `RowPredictor.predictRows` (normalisation + forward pass) in-process on one thread, rows/s: ");
        List<String> passes = new ArrayList<>();
        ceiling.forEach((pass, byBatch) -> {
            List<String> parts = new ArrayList<>();
            byBatch.forEach((b, v) -> parts.add(String.format(Locale.ROOT, "batch %s: %,.0f", b, v)));
            passes.add(("dense".equals(pass) ? "dense pass " : "DL4J output() ") + String.join(", ", parts));
        });
        md.append(String.join("; ", passes)).append(".\n");
    }

    /** The latency at about half of the saturated rate. */
    @SuppressWarnings("unchecked")
    private static void halfSaturation(StringBuilder md, Map<String, Object> result) {
        Map<String, Object> half = (Map<String, Object>) result.get("halfSaturation");
        md.append(String.format(
                Locale.ROOT,
                "Half saturation, dense pass, batching on: 32 paced connections at %,.0f requests/s"
                        + " (target %,.0f = half of %,.0f): p50 %.2f ms, p99 **%.2f ms** (min-max %.2f-%.2f).%n",
                ((Stats) half.get("requestsPerSecond")).median(),
                (Double) half.get("targetRequestsPerSecond"),
                (Double) half.get("saturatedRequestsPerSecond"),
                ((Stats) half.get("p50Ms")).median(),
                ((Stats) half.get("p99Ms")).median(),
                ((Stats) half.get("p99Ms")).min(),
                ((Stats) half.get("p99Ms")).max()));
    }
}
