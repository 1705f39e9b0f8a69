package dev.hearth.bench;

import dev.hearth.serving.client.LoadClients;
import dev.hearth.serving.client.LoadClients.Answer;
import dev.hearth.store.ShadowSummary;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.hadoop.HadoopShadowSummaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The fleet benchmark's phases under steady load, in turn: (a) production moves to a new version, (b) a rolling
 * restart with drain, (c) one replica SIGKILLed and restarted, (d) a canary at 10 → 50 → 100 % with sticky keys,
 * (e) a shadow at 100 % on a version that disagrees on a known share of the rows.
 */
final class FleetPhases {
    private static final String MODEL = FleetBench.MODEL;

    private final HadoopModelStore store;
    private final FleetProcess fleet;
    private final Path rollout;
    private final float[][] rows;
    private final boolean quick;
    private final LoadClients load;

    FleetPhases(
            HadoopModelStore store, FleetProcess fleet, Path rollout, float[][] rows, boolean quick, LoadClients load) {
        this.store = store;
        this.fleet = fleet;
        this.rollout = rollout;
        this.rows = rows;
        this.quick = quick;
        this.load = load;
    }

    /** Runs (a) to (e) in order, each phase's figures under its letter in {@code out}. */
    void run(MultiLayerNetwork v3, MultiLayerNetwork v4, Map<String, Object> out) throws Exception {
        Thread.sleep(2000);
        out.put("a", production());
        out.put("b", rollingRestart());
        out.put("c", killAndRestart());
        out.put("d", canary());
        out.put("e", shadow(v3, v4));
    }

    /** (a) production 1 → 2: how fast each replica converges and whether any answers with v1 again after. */
    private Map<String, Object> production() throws InterruptedException {
        long moved = System.nanoTime();
        store.setAlias(MODEL, "production", 2, 1, "bench: release 2");
        Thread.sleep(quick ? 3000 : 6000);
        List<Answer> a = load.since(moved);
        Map<String, Long> firstNew = new HashMap<>();
        for (Answer x : a) {
            if (x.version() == 2) {
                firstNew.merge(x.replica(), x.doneNanos(), Math::min);
            }
        }
        long flips = a.stream()
                .filter(x -> x.version() == 1
                        && firstNew.containsKey(x.replica())
                        && x.sentNanos() > firstNew.get(x.replica()))
                .count();
        return Map.of(
                "requests",
                a.size(),
                "failed",
                failed(a),
                "replicasConverged",
                firstNew.size(),
                "convergenceMillis",
                firstNew.values().stream()
                        .mapToLong(t -> (t - moved) / 1_000_000)
                        .max()
                        .orElse(-1),
                "flipBacks",
                flips);
    }

    /** (b) every replica restarted one by one with drain. */
    private Map<String, Object> rollingRestart() throws IOException, InterruptedException {
        long rolling = System.nanoTime();
        fleet.run(600, List.of("restart"));
        List<Answer> b = load.since(rolling);
        return Map.of("requests", b.size(), "failed", failed(b), "seconds", (System.nanoTime() - rolling) / 1e9);
    }

    /** (c) replica 2 SIGKILLed, then restarted. */
    private Map<String, Object> killAndRestart() throws IOException, InterruptedException {
        long killed = System.nanoTime();
        ProcessHandle.of(fleet.pid(2)).ifPresent(ProcessHandle::destroyForcibly);
        Thread.sleep(2000);
        fleet.run(300, List.of("restart", "2"));
        List<Answer> c = load.since(killed);
        return Map.of("requests", c.size(), "failed", failed(c));
    }

    /** (d) the canary at 10, 50 and 100 %: its share of own-key requests, and sticky keys that changed side. */
    private Map<String, Object> canary() throws IOException, InterruptedException {
        List<Map<String, Object>> steps = new ArrayList<>();
        Map<String, Integer> sticky = new HashMap<>();
        long stickyViolations = 0;
        for (int percent : new int[] {10, 50, 100}) {
            Files.writeString(rollout, MODEL + ".canary=@canary:" + percent + "\n");
            Thread.sleep(1500);
            List<Answer> d = canaryStep();
            List<Answer> unique = d.stream()
                    .filter(x -> x.key().startsWith("u-") && !x.failed())
                    .toList();
            double share = unique.stream().filter(x -> x.version() == 3).count() / (double) unique.size();
            stickyViolations += stickyViolations(d, sticky);
            steps.add(Map.of(
                    "percent",
                    percent,
                    "requests",
                    d.size(),
                    "uniqueKeyRequests",
                    unique.size(),
                    "canaryShare",
                    share,
                    "failed",
                    failed(d)));
        }
        return Map.of("steps", steps, "stickyKeys", sticky.size(), "stickinessViolations", stickyViolations);
    }

    /** The answers of one canary step, once enough requests with their own routing key came back. */
    private List<Answer> canaryStep() throws InterruptedException {
        long step = System.nanoTime();
        List<Answer> d;
        do {
            Thread.sleep(1000);
            d = load.since(step);
        } while (d.stream().filter(x -> x.key().startsWith("u-")).count() < (quick ? 1000 : 5000));
        return d;
    }

    /**
     * Sticky keys answered by two versions within this step, or by a non-canary version after the canary answered
     * them in an earlier step; {@code sticky} then holds this step's version per key.
     */
    private static long stickyViolations(List<Answer> d, Map<String, Integer> sticky) {
        long violations = 0;
        Map<String, Integer> now = new HashMap<>();
        for (Answer x : d) {
            if (x.key().startsWith("sticky-") && !x.failed()) {
                Integer was = now.putIfAbsent(x.key(), x.version());
                Integer before = sticky.get(x.key());
                if ((was != null && was != x.version()) || (before != null && before == 3 && x.version() != 3)) {
                    violations++;
                }
            }
        }
        sticky.putAll(now);
        return violations;
    }

    /** (e) a shadow at 100 % on v4: the agreement the store reports against the one the rows sent imply. */
    private Map<String, Object> shadow(MultiLayerNetwork v3, MultiLayerNetwork v4)
            throws IOException, InterruptedException {
        Files.writeString(rollout, MODEL + ".canary=@canary:100\n" + MODEL + ".shadow=@shadow:1.0\n");
        Thread.sleep(1500);
        long shadowStart = System.nanoTime();
        Thread.sleep(quick ? 4000 : 10_000);
        Files.writeString(rollout, MODEL + ".canary=@canary:100\n");
        Thread.sleep(1500);
        List<Answer> e = load.since(shadowStart);
        boolean[] agrees = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            agrees[i] = FleetModels.argmax(v3, rows[i]) == FleetModels.argmax(v4, rows[i]);
        }
        double expected = e.stream().filter(x -> !x.failed() && agrees[x.row()]).count()
                / (double) e.stream().filter(x -> !x.failed()).count();
        Thread.sleep(2500);
        ShadowSummary.Pair merged =
                ShadowSummary.merged(new HadoopShadowSummaries(store.root(), new Configuration()).read(MODEL), 3, 4);
        Map<String, Object> em = new LinkedHashMap<>();
        em.put("requests", e.size());
        em.put("failed", failed(e));
        em.put("expectedAgreement", expected);
        em.put("reportedAgreement", merged == null ? Double.NaN : merged.agreement());
        em.put("shadowedRows", merged == null ? 0 : merged.rows());
        return em;
    }

    private static long failed(List<Answer> answers) {
        return answers.stream().filter(Answer::failed).count();
    }
}
