package dev.hearth.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The headline ratios of a run next to the targets. */
final class Summary {
    private Summary() {}

    /** The targets the summary reports, in order: benchmark, result key, what, target, direction. */
    private static final List<Target> TARGETS = List.of(
            // Issue 19: against the best fair single-machine peer (DL4J fit with every thread limit at 2,
            // ParallelWrapper).
            higher(
                    "training",
                    "ratioHearthOverBestPeer",
                    "training throughput, train.engine=dl4j / best single-machine peer (dense)",
                    2.0),
            higher(
                    "training",
                    "timeToTargetRatioBestPeerOverHearth",
                    "time to a fixed test accuracy (0.85; 0.70 with --quick), best peer / train.engine=dl4j (dense)",
                    1.5),
            higher(
                    "training",
                    "ratioHearthEngineOverBestPeer",
                    "training throughput, train.engine=hearth / best single-machine peer (dense)",
                    2.0),
            higher(
                    "training",
                    "ratioHearthEngineOverFusedOneJvm",
                    "train.engine=hearth on Spark / fused step in one JVM (dense)",
                    0.85),
            higher(
                    "training",
                    "ratioHearthOverFusedOneJvm",
                    "train.engine=dl4j on Spark / fused step in one JVM (dense)",
                    0.85),
            higher("fused", "fusedUtilisationAt64", "FLOP utilisation of the fused step, batch 64", 0.3),
            higher(
                    "training",
                    "timeToTargetRatioBestPeerOverHearthEngine",
                    "time to a fixed test accuracy, best peer / train.engine=hearth (dense)",
                    1.5),
            lower(
                    "training",
                    "accuracyGapHearthEngineVsDl4jPa",
                    "|test accuracy train.engine=hearth - DL4J PA| after the same epochs (dense)",
                    0.01),
            lower(
                    "training-conv",
                    "accuracyGapHearthEngineVsDl4jPa",
                    "|test accuracy train.engine=hearth - DL4J PA| after the same epochs (conv)",
                    0.01),
            lower(
                    "training",
                    "hearthEngineSparkOverheadMs",
                    "train.engine=hearth Spark job overhead per round, ms (local[2])",
                    5.0),
            lower(
                    "training",
                    "hearthEngineNonComputeMs",
                    "train.engine=hearth round minus worker compute, ms (local[2])",
                    5.0),
            higher("fused", "fusedUtilisationAt256", "FLOP utilisation of the fused step, batch 256 (reported)", 0.3),
            higher(
                    "time-to-accuracy",
                    "ratioMllibOverHearthEngineAt20",
                    "time to MLlib's accuracy at 20 L-BFGS iterations, MLlib / train.engine=hearth",
                    10.0),
            higher(
                    "time-to-accuracy",
                    "ratioMllibOverHearthEngineAt50",
                    "time to MLlib's accuracy at 50 L-BFGS iterations, MLlib / train.engine=hearth",
                    20.0),
            higher(
                    "time-to-accuracy",
                    "ratioMllibOverHearthAt20",
                    "time to MLlib's accuracy at 20 L-BFGS iterations, MLlib / train.engine=dl4j",
                    10.0),
            higher(
                    "time-to-accuracy",
                    "ratioMllibOverHearthAt50",
                    "time to MLlib's accuracy at 50 L-BFGS iterations, MLlib / train.engine=dl4j",
                    20.0),
            higher("flops", "hearthUtilisation", "FLOP utilisation of train.engine=dl4j training (dense)", 0.3),
            higher("flops", "hearthEngineUtilisation", "FLOP utilisation of train.engine=hearth training (dense)", 0.3),
            higher(
                    "serving",
                    "ratioBatchingAt32",
                    "serving req/s at 32 connections, batching on / off (dense pass, default)",
                    4.0),
            higher(
                    "serving",
                    "ratioBatchingAt32Dl4j",
                    "serving req/s at 32 connections, batching on / off (DL4J output())",
                    4.0),
            lower("serving", "p99AtHalfSaturationMs", "serving p99 at half saturation, ms (batching on)", 10.0),
            lower("store", "ratioLocal", "store publish + verified load / plain copy + read (local FS)", 1.5),
            lower("store", "ratioHdfs", "store publish + verified load / plain copy + read (HDFS)", 1.5),
            lower("abuse", "targetsFailed", "abuse suite: targets failed (of those judged per load)", 0));

    private record Target(String bench, String key, String what, double target, boolean higherIsBetter) {}

    private static Target higher(String bench, String key, String what, double target) {
        return new Target(bench, key, what, target, true);
    }

    private static Target lower(String bench, String key, String what, double target) {
        return new Target(bench, key, what, target, false);
    }

    /** One entry per measured target: what, measured ratio, target, whether met. */
    static Map<String, Object> of(Map<String, Object> benchmarks) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (Target t : TARGETS) {
            add(s, benchmarks, t.bench(), t.key(), t.what(), t.target(), t.higherIsBetter());
        }
        return s;
    }

    private static void add(
            Map<String, Object> into,
            Map<String, Object> benchmarks,
            String bench,
            String key,
            String what,
            double target,
            boolean higherIsBetter) {
        Object r = benchmarks.get(bench);
        if (!(r instanceof Map<?, ?> m) || !(m.get(key) instanceof Number n)) {
            return;
        }
        double v = n.doubleValue();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("what", what);
        e.put("measured", v);
        e.put("target", (higherIsBetter ? ">= " : "<= ") + target);
        e.put("met", higherIsBetter ? v >= target : v <= target);
        into.put(bench + "." + key, e);
    }

    static String markdownHeader(Map<String, Object> results) {
        Map<String, Object> m = BenchMain.castMap(results.get("machine"));
        return String.format(
                Locale.ROOT,
                "## Run %s (`bench/run%s`, %.0f s)%n%nMachine: %s, %s cores, Java %s, Spark %s, DL4J %s.%n%n",
                results.get("time"),
                "quick".equals(results.get("mode")) ? " --quick" : "",
                ((Number) results.get("wallSeconds")).doubleValue(),
                m.get("cpu"),
                m.get("cores"),
                m.get("java"),
                m.get("spark"),
                m.get("dl4j"));
    }

    static String markdown(Map<String, Object> summary) {
        if (summary.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("| target | measured | target | met |\n|---|---|---|---|\n");
        List<String> rows = new ArrayList<>();
        for (Object o : summary.values()) {
            Map<String, Object> e = BenchMain.castMap(o);
            rows.add(String.format(
                    Locale.ROOT,
                    "| %s | **%.2f** | %s | %s |",
                    e.get("what"),
                    e.get("measured"),
                    e.get("target"),
                    Boolean.TRUE.equals(e.get("met")) ? "yes" : "no"));
        }
        return md.append(String.join("\n", rows)).append("\n\n").toString();
    }
}
