package dev.hearth.bench;

import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.serving.client.LoadClients;
import dev.hearth.serving.client.LoadClients.Answer;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.ShadowSummary;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.hadoop.HadoopShadowSummaries;
import dev.hearth.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The replica fleet ({@code bin/hearth fleet}: replica JVMs behind HAProxy on loopback, one shared store): throughput
 * of 3 replicas against 1 behind the same balancer (wrk, 32 connections), then 32 connections of valid requests
 * while, in turn, (a) production moves to a new version, (b) all replicas restart one by one with drain, (c) one is
 * SIGKILLed and restarted, (d) a canary goes 10 → 50 → 100 % (at least 5,000 requests with their own routing key
 * per step, plus sticky keys), (e) a shadow at 100 % on a version that disagrees on a known share of the rows.
 */
final class FleetBench implements Benchmark {
    static final String MODEL = "fleet";
    private static final int FEATURES = 16;
    private static final int CONNECTIONS = 32;

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

    static MultiLayerNetwork network(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(FEATURES)
                        .nOut(32)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(32)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static void publish(HadoopModelStore store, MultiLayerNetwork net) {
        List<String> names = new ArrayList<>();
        double[] min = new double[FEATURES];
        double[] max = new double[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            names.add("f" + i);
            max[i] = 10;
        }
        Signature sig = new Signature(
                "input",
                "FP32",
                FEATURES,
                names,
                List.of("a", "b", "c"),
                new NormalizerSpec(NormalizerSpec.MINMAX, min, max, null, null));
        store.publish(
                MODEL,
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER,
                        sig,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(ModelFiles.MODEL_FILE, out -> ModelSerializer.writeModel(net, out, false))));
    }

    /**
     * A copy of {@code net} whose output bias of one class is raised until the two agree on at most
     * {@code agreement} of {@code rows} (two random networks tend to agree on all rows or on none): the shadow
     * version with a known, non-trivial disagreement.
     */
    static MultiLayerNetwork disagreeing(MultiLayerNetwork net, float[][] rows, double agreement) {
        float[][] x = new float[rows.length][FEATURES];
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < FEATURES; i++) {
                x[r][i] = rows[r][i] / 10;
            }
        }
        org.nd4j.linalg.api.ndarray.INDArray p = net.output(Nd4j.create(x));
        int flips = (int) Math.ceil((1 - agreement) * rows.length);
        for (int k = 0; k < 3; k++) {
            // Raising class k's output bias by d flips a row to k once log p_k + d > log p_max (softmax).
            List<Double> needed = new ArrayList<>();
            for (int r = 0; r < rows.length; r++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < 3; c++) {
                    best = Math.max(best, Math.log(p.getDouble(r, c)));
                }
                double gap = best - Math.log(p.getDouble(r, k));
                if (gap > 0) {
                    needed.add(gap);
                }
            }
            if (needed.size() < flips) {
                continue;
            }
            java.util.Collections.sort(needed);
            double delta =
                    (needed.get(flips - 1) + (flips < needed.size() ? needed.get(flips) : needed.get(flips - 1) + 0.01))
                            / 2;
            MultiLayerNetwork copy = net.clone();
            org.nd4j.linalg.api.ndarray.INDArray b = copy.getLayer(1).getParam("b");
            b.putScalar(k, b.getDouble(k) + delta);
            return copy;
        }
        throw new IllegalStateException("no bias shift makes the networks disagree on the bench rows");
    }

    static int argmax(MultiLayerNetwork net, float[] row) {
        float[][] x = new float[1][FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            x[0][i] = row[i] / 10;
        }
        return net.output(Nd4j.create(x)).argMax(1).getInt(0);
    }

    @Override
    public Map<String, Object> run() throws Exception {
        Path work = Files.createTempDirectory("hearth-bench-fleet");
        HadoopModelStore store = HadoopModelStore.open(work.resolve("store").toString(), new Configuration());
        Random random = new Random(1);
        float[][] rows = new float[256][FEATURES];
        for (float[] r : rows) {
            for (int i = 0; i < FEATURES; i++) {
                r[i] = random.nextFloat() * 10;
            }
        }
        for (int v = 1; v <= 3; v++) {
            publish(store, network(v));
        }
        MultiLayerNetwork v3 = network(3);
        MultiLayerNetwork v4 = disagreeing(v3, rows, 0.75);
        publish(store, v4);
        store.setAlias(MODEL, "production", 1, null, "bench");
        store.setAlias(MODEL, "canary", 3, null, "bench");
        store.setAlias(MODEL, "shadow", 4, null, "bench");
        Path tokens = work.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("predict:*", "read:*"));
        Path rollout = work.resolve("rollout.properties");
        Files.writeString(rollout, "");
        List<String> serve = List.of(
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connections", CONNECTIONS);
        out.put("note", "2 shared cores: replicas, HAProxy and the load generator compete for the same CPUs");

        // Throughput: a 1-replica and a 3-replica fleet (same HAProxy configuration) run side by side and wrk
        // alternates between them after warming both, so the machine's noise hits both alike.
        Path body = Wrk.tempFile(
                "hearth-fleet-body", ".json", InferRequest.ofRows("1", rows[0]).toJson());
        Wrk wrk = new Wrk(
                root.resolve("bench/scripts/infer.lua"),
                Map.of("HEARTH_BODY_FILE", body.toString(), "HEARTH_TOKEN", token));
        int seconds = quick ? 5 : 10;
        int rounds = quick ? 1 : 3;
        try (Fleet one = new Fleet(work.resolve("fleet-1"), 1);
                Fleet three = new Fleet(work.resolve("fleet-3"), 3)) {
            one.run(300, concat(List.of("start", "1"), serve));
            three.run(300, concat(List.of("start", "3"), serve));
            Map<Integer, Fleet> fleets = Map.of(1, one, 3, three);
            Map<Integer, List<Double>> rps = new HashMap<>(Map.of(1, new ArrayList<>(), 3, new ArrayList<>()));
            Map<Integer, List<Double>> p99 = new HashMap<>(Map.of(1, new ArrayList<>(), 3, new ArrayList<>()));
            // Warm-up by requests per JVM, not by time: each of 3 replicas sees a third of the traffic, so its JIT
            // needs
            // three times as long to reach the state one replica reaches (measured: 3,700 -> 22,900 requests/s over
            // the first three 10 s rounds when all got 10 s).
            for (int n : new int[] {1, 3}) {
                wrk.run(
                        fleets.get(n).balancerUrl() + "/v2/models/" + MODEL + "/infer",
                        CONNECTIONS,
                        (quick ? 3 : 15) * n,
                        Map.of());
            }
            for (int round = 0; round < rounds; round++) {
                for (int n : new int[] {1, 3}) {
                    WrkResult r = wrk.run(
                            fleets.get(n).balancerUrl() + "/v2/models/" + MODEL + "/infer",
                            CONNECTIONS,
                            seconds,
                            Map.of());
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
            for (int n : new int[] {1, 3}) {
                out.put(
                        "throughput" + n,
                        Map.of("requestsPerSecond", Stats.of(rps.get(n)), "p99Millis", Stats.of(p99.get(n))));
            }
            out.put(
                    "ratio3to1",
                    Stats.of(rps.get(3)).median() / Stats.of(rps.get(1)).median());
        }

        try (Fleet fleet = new Fleet(work.resolve("fleet-phases"), 3)) {
            fleet.run(300, concat(List.of("start", "3"), serve));
            java.util.function.IntFunction<String> keys = n -> n % 4 == 0 ? "sticky-" + (n / 4 % 200) : "u-" + n;
            long loadStart = System.nanoTime();
            try (LoadClients load = new LoadClients(fleet.balancerUrl(), token, MODEL, CONNECTIONS, rows, keys)) {
                Thread.sleep(2000);
                // (a)
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
                out.put(
                        "a",
                        Map.of(
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
                                flips));
                // (b)
                long rolling = System.nanoTime();
                fleet.run(600, List.of("restart"));
                List<Answer> b = load.since(rolling);
                out.put(
                        "b",
                        Map.of(
                                "requests",
                                b.size(),
                                "failed",
                                failed(b),
                                "seconds",
                                (System.nanoTime() - rolling) / 1e9));
                // (c)
                long killed = System.nanoTime();
                ProcessHandle.of(fleet.pid(2)).ifPresent(ProcessHandle::destroyForcibly);
                Thread.sleep(2000);
                fleet.run(300, List.of("restart", "2"));
                List<Answer> c = load.since(killed);
                out.put("c", Map.of("requests", c.size(), "failed", failed(c)));
                // (d)
                List<Map<String, Object>> steps = new ArrayList<>();
                Map<String, Integer> sticky = new HashMap<>();
                long stickyViolations = 0;
                for (int percent : new int[] {10, 50, 100}) {
                    Files.writeString(rollout, MODEL + ".canary=@canary:" + percent + "\n");
                    Thread.sleep(1500);
                    long step = System.nanoTime();
                    List<Answer> d;
                    do {
                        Thread.sleep(1000);
                        d = load.since(step);
                    } while (d.stream().filter(x -> x.key().startsWith("u-")).count() < (quick ? 1000 : 5000));
                    List<Answer> unique = d.stream()
                            .filter(x -> x.key().startsWith("u-") && !x.failed())
                            .toList();
                    double share = unique.stream().filter(x -> x.version() == 3).count() / (double) unique.size();
                    Map<String, Integer> now = new HashMap<>();
                    for (Answer x : d) {
                        if (x.key().startsWith("sticky-") && !x.failed()) {
                            Integer was = now.putIfAbsent(x.key(), x.version());
                            Integer before = sticky.get(x.key());
                            if ((was != null && was != x.version())
                                    || (before != null && before == 3 && x.version() != 3)) {
                                stickyViolations++;
                            }
                        }
                    }
                    sticky.putAll(now);
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
                out.put(
                        "d",
                        Map.of("steps", steps, "stickyKeys", sticky.size(), "stickinessViolations", stickyViolations));
                // (e)
                Files.writeString(rollout, MODEL + ".canary=@canary:100\n" + MODEL + ".shadow=@shadow:1.0\n");
                Thread.sleep(1500);
                long shadowStart = System.nanoTime();
                Thread.sleep(quick ? 4000 : 10_000);
                Files.writeString(rollout, MODEL + ".canary=@canary:100\n");
                Thread.sleep(1500);
                List<Answer> e = load.since(shadowStart);
                boolean[] agrees = new boolean[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    agrees[i] = argmax(v3, rows[i]) == argmax(v4, rows[i]);
                }
                double expected =
                        e.stream().filter(x -> !x.failed() && agrees[x.row()]).count()
                                / (double) e.stream().filter(x -> !x.failed()).count();
                Thread.sleep(2500);
                ShadowSummary.Pair merged = ShadowSummary.merged(
                        new HadoopShadowSummaries(store.root(), new Configuration()).read(MODEL), 3, 4);
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("requests", e.size());
                em.put("failed", failed(e));
                em.put("expectedAgreement", expected);
                em.put("reportedAgreement", merged == null ? Double.NaN : merged.agreement());
                em.put("shadowedRows", merged == null ? 0 : merged.rows());
                out.put("e", em);
                out.put("loadSeconds", (System.nanoTime() - loadStart) / 1e9);
                out.put("totalRequests", load.all().size());
            }
        }
        return out;
    }

    private static long failed(List<Answer> answers) {
        return answers.stream().filter(Answer::failed).count();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Override
    public String markdown(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        Map<?, ?> t1 = (Map<?, ?>) r.get("throughput1");
        Map<?, ?> t3 = (Map<?, ?>) r.get("throughput3");
        b.append("\n### Fleet: replicas behind HAProxy (`bench/run --only fleet`)\n\n");
        b.append(String.format(
                Locale.ROOT,
                "%d connections, single-row requests to a 16-32-3 classifier, wrk through"
                        + " HAProxy 2.6 on loopback; both fleets run side by side, wrk alternates between them (after warm-up);"
                        + " %s.%n%n",
                CONNECTIONS,
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
        b.append(String.format(
                Locale.ROOT,
                "Under %d connections for %.0f s (%s requests in all):%n%n",
                CONNECTIONS,
                r.get("loadSeconds"),
                r.get("totalRequests")));
        b.append("| phase | requests | failed | result |\n|---|---|---|---|\n");
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
        Map<?, ?> d = (Map<?, ?>) r.get("d");
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

    /** {@code bin/hearth fleet} on free loopback ports, stopped and killed by its recorded PIDs on close. */
    private final class Fleet implements AutoCloseable {
        private final Path state;
        private final int port;

        Fleet(Path state, int replicas) throws IOException {
            this.state = state;
            Files.createDirectories(state);
            this.port = Ports.freeBlock(replicas + 2);
        }

        String balancerUrl() {
            return "http://127.0.0.1:" + port;
        }

        long pid(int i) throws IOException {
            return Long.parseLong(
                    Files.readString(state.resolve("r" + i + ".pid")).strip());
        }

        void run(long timeoutSeconds, List<String> args) throws IOException, InterruptedException {
            List<String> cmd =
                    new ArrayList<>(List.of(root.resolve("bin/hearth").toString(), "fleet"));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            state.resolve("fleet-cmd.out").toFile()));
            pb.environment().put("HEARTH_FLEET_DIR", state.toString());
            pb.environment().put("HEARTH_FLEET_PORT", Integer.toString(port));
            pb.environment().put("HEARTH_FLEET_STATS_PORT", Integer.toString(port + 1));
            pb.environment().put("HEARTH_FLEET_REPLICA_PORT", Integer.toString(port + 2));
            pb.environment().put("HEARTH_SERVER_MEMORY", "512m");
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "bin/hearth fleet " + args + " failed: " + Files.readString(state.resolve("fleet-cmd.out")));
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                run(120, List.of("stop"));
            } catch (RuntimeException e) {
                System.err.println("fleet: stop failed, killing by PID: " + e.getMessage());
            }
            try (var files = Files.list(state)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid"))
                        .toList()) {
                    ProcessHandle.of(Long.parseLong(Files.readString(f).strip()))
                            .ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }
}
