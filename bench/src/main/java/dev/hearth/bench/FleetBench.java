package dev.hearth.bench;

import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.serving.client.LoadClients;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The replica fleet ({@code bin/hearth fleet}: replica JVMs behind HAProxy on loopback, one shared store): throughput
 * of 3 replicas against 1 behind the same balancer (wrk, 32 connections), then 32 connections of valid requests
 * while, in turn, (a) production moves to a new version, (b) all replicas restart one by one with drain, (c) one is
 * SIGKILLed and restarted, (d) a canary goes 10 → 50 → 100 % (at least 5,000 requests with their own routing key
 * per step, plus sticky keys), (e) a shadow at 100 % on a version that disagrees on a known share of the rows
 * ({@link FleetPhases}).
 */
final class FleetBench implements Benchmark {
    static final String MODEL = "fleet";
    static final int CONNECTIONS = 32;

    private final Path root;
    private final boolean quick;

    FleetBench(Path root, boolean quick) {
        this.root = root;
        this.quick = quick;
    }

    @Override
    public String name() {
        return MODEL;
    }

    @Override
    public boolean inDefaultRun() {
        // Three server JVMs and HAProxy: run on its own (bench/run --only fleet); FleetIT covers it in CI.
        return false;
    }

    @Override
    public Map<String, Object> run() throws Exception {
        Path work = Files.createTempDirectory("hearth-bench-fleet");
        HadoopModelStore store = HadoopModelStore.open(work.resolve("store").toString(), new Configuration());
        float[][] rows = FleetModels.rows();
        MultiLayerNetwork v3 = FleetModels.network(3);
        MultiLayerNetwork v4 = FleetModels.disagreeing(v3, rows, 0.75);
        FleetModels.publishVersions(store, v4);
        Path tokens = work.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("predict:*", "read:*"));
        Path rollout = work.resolve("rollout.properties");
        Files.writeString(rollout, "");
        List<String> serve = serveArgs(store, tokens, rollout);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connections", CONNECTIONS);
        out.put("note", "2 shared cores: replicas, HAProxy and the load generator compete for the same CPUs");
        throughput(work, serve, rows, token, out);
        try (FleetProcess fleet = new FleetProcess(root, work.resolve("fleet-phases"), 3)) {
            fleet.run(300, concat(List.of("start", "3"), serve));
            java.util.function.IntFunction<String> keys = n -> n % 4 == 0 ? "sticky-" + (n / 4 % 200) : "u-" + n;
            long loadStart = System.nanoTime();
            try (LoadClients load = new LoadClients(fleet.balancerUrl(), token, MODEL, CONNECTIONS, rows, keys)) {
                new FleetPhases(store, fleet, rollout, rows, quick, load).run(v3, v4, out);
                out.put("loadSeconds", (System.nanoTime() - loadStart) / 1e9);
                out.put("totalRequests", load.all().size());
            }
        }
        return out;
    }

    private static List<String> serveArgs(HadoopModelStore store, Path tokens, Path rollout) {
        return List.of(
                "--store",
                store.root(),
                "--set",
                "serving.models=" + MODEL + "@production",
                "--set",
                "serving.poll.interval.ms=500",
                "--set",
                "auth.tokens.file=" + tokens,
                "--set",
                "server.drain.ms=2000",
                "--set",
                "server.access.log=false",
                "--set",
                "serving.rollout.file=" + rollout,
                "--set",
                "serving.shadow.persist.ms=1000");
    }

    /**
     * Throughput: a 1-replica and a 3-replica fleet (same HAProxy configuration) run side by side and wrk alternates
     * between them after warming both, so the machine's noise hits both alike.
     */
    private void throughput(Path work, List<String> serve, float[][] rows, String token, Map<String, Object> out)
            throws Exception {
        Path body = Wrk.tempFile(
                "hearth-fleet-body", ".json", InferRequest.ofRows("1", rows[0]).toJson());
        Wrk wrk = Wrk.infer(root, body, token);
        try (FleetProcess one = new FleetProcess(root, work.resolve("fleet-1"), 1);
                FleetProcess three = new FleetProcess(root, work.resolve("fleet-3"), 3)) {
            one.run(300, concat(List.of("start", "1"), serve));
            three.run(300, concat(List.of("start", "3"), serve));
            Map<Integer, FleetProcess> fleets = Map.of(1, one, 3, three);
            warmUp(wrk, fleets);
            Map<Integer, List<Double>> rps = new HashMap<>(Map.of(1, new ArrayList<>(), 3, new ArrayList<>()));
            Map<Integer, List<Double>> p99 = new HashMap<>(Map.of(1, new ArrayList<>(), 3, new ArrayList<>()));
            measure(wrk, fleets, rps, p99);
            for (int n : new int[] {1, 3}) {
                out.put(
                        "throughput" + n,
                        Map.of("requestsPerSecond", Stats.of(rps.get(n)), "p99Millis", Stats.of(p99.get(n))));
            }
            out.put(
                    "ratio3to1",
                    Stats.of(rps.get(3)).median() / Stats.of(rps.get(1)).median());
        }
    }

    /**
     * Warm-up by requests per JVM, not by time: each of 3 replicas sees a third of the traffic, so its JIT needs three
     * times as long to reach the state one replica reaches (measured: 3,700 -> 22,900 requests/s over the first three
     * 10 s rounds when all got 10 s).
     */
    private void warmUp(Wrk wrk, Map<Integer, FleetProcess> fleets) throws Exception {
        for (int n : new int[] {1, 3}) {
            wrk.run(inferUrl(fleets.get(n)), CONNECTIONS, (quick ? 3 : 15) * n, Map.of());
        }
    }

    private void measure(
            Wrk wrk, Map<Integer, FleetProcess> fleets, Map<Integer, List<Double>> rps, Map<Integer, List<Double>> p99)
            throws Exception {
        int seconds = quick ? 5 : 10;
        int rounds = quick ? 1 : 3;
        for (int round = 0; round < rounds; round++) {
            for (int n : new int[] {1, 3}) {
                WrkResult r = wrk.run(inferUrl(fleets.get(n)), CONNECTIONS, seconds, Map.of());
                rps.get(n).add(r.requestsPerSecond());
                p99.get(n).add(r.p99Millis());
                System.out.printf(
                        Locale.ROOT,
                        "fleet: round %d, %d replica(s): %.0f requests/s, p99 %.1f ms%n",
                        round + 1,
                        n,
                        r.requestsPerSecond(),
                        r.p99Millis());
            }
        }
    }

    private static String inferUrl(FleetProcess fleet) {
        return fleet.balancerUrl() + "/v2/models/" + MODEL + "/infer";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Override
    public String markdown(Map<String, Object> r) {
        return FleetTable.markdown(r);
    }
}
