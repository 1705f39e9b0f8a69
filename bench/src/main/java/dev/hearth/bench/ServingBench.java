package dev.hearth.bench;

import dev.hearth.config.Settings;
import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.Predictor;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.ModelStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Serving throughput and latency: the model server in its own JVM as deployed ({@link ServerProcess}; port 0 on
 * 127.0.0.1, real bearer-token auth, access log off, every other setting at its default) serves a 784-256-10 MNIST
 * network with micro-batching on and off, on the default dense forward pass (1, 8 and 32 connections) and on DL4J's
 * {@code output()} (32 connections); {@code wrk} sends single-row Open Inference Protocol v2 requests, alternating
 * on/off after warm-up, each point once every server JVM is idle. Also measured in the same run: the in-process
 * {@code RowPredictor.predictRows} ceiling of both forward passes and the p99 with batching on at about half of its
 * saturated rate.
 */
final class ServingBench implements Benchmark {
    static final int[] CONNECTIONS = {1, 8, 32};
    static final int[] CEILING_BATCHES = {1, 8, 32};
    private static final String MODEL = "mnist";

    private final Path root;
    private final boolean quick;

    /**
     * @param root the Hearth checkout (for {@code examples/data/mnist-10k.csv.gz} and {@code bench/scripts})
     * @param quick about 2 s per point and one repeat (under 40 s in all) instead of 5 s and three repeats
     */
    ServingBench(Path root, boolean quick) {
        this.root = root;
        this.quick = quick;
    }

    @Override
    public String name() {
        return "serving";
    }

    private int pointSeconds() {
        return quick ? 2 : 5;
    }

    private int repeats() {
        return quick ? 1 : 3;
    }

    @Override
    public Map<String, Object> run() throws Exception {
        Wrk.ensureInstalled();
        ServingModel model = ServingModel.publish(root.resolve("examples/data/mnist-10k.csv.gz"), MODEL);
        Path work = Files.createTempDirectory("hearth-bench-serving");
        try {
            return measure(model, work);
        } finally {
            Trees.delete(work);
            Trees.delete(model.store());
        }
    }

    /** One server configuration: which forward pass, and whether requests are micro-batched. */
    private record Mode(boolean dense, boolean batching) {
        String pass() {
            return dense ? "dense" : "dl4j";
        }

        String key(int connections) {
            return pass() + "/" + onOff(batching) + "/" + connections;
        }

        @Override
        public String toString() {
            return (dense ? "dense pass" : "DL4J output()") + ", batching " + onOff(batching);
        }
    }

    private static final Mode DENSE_ON = new Mode(true, true);
    private static final Mode DENSE_OFF = new Mode(true, false);
    private static final Mode DL4J_ON = new Mode(false, true);
    private static final Mode DL4J_OFF = new Mode(false, false);
    /** Connection counts per mode: the default forward pass at every count, DL4J's at saturation only. */
    private static final Map<Mode, int[]> POINTS = new LinkedHashMap<>();

    static {
        POINTS.put(DENSE_ON, CONNECTIONS);
        POINTS.put(DENSE_OFF, CONNECTIONS);
        POINTS.put(DL4J_ON, new int[] {32});
        POINTS.put(DL4J_OFF, new int[] {32});
    }

    private Map<String, Object> measure(ServingModel model, Path work) throws Exception {
        Map<String, Map<Integer, Double>> ceiling = ceiling(model);
        Path tokens = work.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("predict:" + MODEL));
        Path body = work.resolve("body.json");
        Files.writeString(body, model.requestBody(0));
        Wrk wrk = Wrk.infer(root, body, token);
        Wrk paced = Wrk.pacedInfer(root, body, token);
        Map<Mode, ServerProcess> servers = new LinkedHashMap<>();
        try {
            for (Mode mode : POINTS.keySet()) {
                servers.put(
                        mode,
                        start(
                                model,
                                tokens,
                                mode,
                                work.resolve("server-" + mode.pass() + "-" + onOff(mode.batching()) + ".log")));
            }
            warmUp(wrk, servers);
            Map<String, List<WrkResult>> runs = rounds(wrk, servers);
            double saturated =
                    Stats.of(WrkResult.rps(runs.get(DENSE_ON.key(32)))).median();
            Map<String, Object> half = halfSaturation(paced, infer(servers.get(DENSE_ON)), saturated, servers.values());
            return result(runs, ceiling, half);
        } finally {
            for (ServerProcess server : servers.values()) {
                server.close();
            }
        }
    }

    /** Rows/s of both forward passes in-process, loaded as the server loads them (model-runtime, verified, probed). */
    private Map<String, Map<Integer, Double>> ceiling(ServingModel model) {
        float[][] raw = Arrays.copyOf(model.rows(), Math.min(256, model.rows().length));
        Map<String, Map<Integer, Double>> ceiling = new LinkedHashMap<>();
        ModelStore store = HadoopModelStore.open(model.store().toString(), new Configuration());
        for (boolean dense : new boolean[] {true, false}) {
            try (Predictor loaded =
                    ModelRuntime.standard(new RuntimeOptions(dense, 0)).load(store, model.version())) {
                String label = dense ? "dense pass" : "DL4J output()";
                ceiling.put(
                        new Mode(dense, true).pass(),
                        new ForwardCeiling((RowPredictor) loaded, label, raw, quick ? 0.6 : 2)
                                .measure(CEILING_BATCHES));
            }
        }
        return ceiling;
    }

    private void warmUp(Wrk wrk, Map<Mode, ServerProcess> servers) throws Exception {
        for (Map.Entry<Mode, ServerProcess> s : servers.entrySet()) {
            for (int c : new int[] {8, 32}) {
                System.out.printf(
                        Locale.ROOT,
                        "serving warm-up, %s, %d connections: %s%n",
                        s.getKey(),
                        c,
                        wrk.run(infer(s.getValue()), c, warmupSeconds(c), Map.of()));
            }
        }
    }

    /** Every point of {@link #POINTS}, once per repeat, each once every server is idle. */
    private Map<String, List<WrkResult>> rounds(Wrk wrk, Map<Mode, ServerProcess> servers) throws Exception {
        Map<String, List<WrkResult>> runs = new LinkedHashMap<>();
        for (int r = 1; r <= repeats(); r++) {
            for (int c : CONNECTIONS) {
                for (boolean dense : new boolean[] {true, false}) {
                    // Alternate which mode goes first, so drift on a shared machine does not favour one.
                    boolean[] order = r % 2 == 1 ? new boolean[] {true, false} : new boolean[] {false, true};
                    for (boolean batching : order) {
                        Mode mode = new Mode(dense, batching);
                        if (Arrays.stream(POINTS.get(mode)).noneMatch(p -> p == c)) {
                            continue;
                        }
                        quiet(servers.values());
                        WrkResult w = wrk.run(infer(servers.get(mode)), c, pointSeconds(), Map.of());
                        runs.computeIfAbsent(mode.key(c), k -> new ArrayList<>())
                                .add(w);
                        System.out.printf(Locale.ROOT, "serving round %d, %s, %d connections: %s%n", r, mode, c, w);
                    }
                }
            }
        }
        return runs;
    }

    /**
     * p99 with batching on at about half of its saturated rate. wrk has no constant-rate mode, so 32 connections
     * each wait an exponentially distributed think time before every request (bench/scripts/infer-paced.lua); the
     * mean think time is set from the target rate, then corrected once for the measured latency.
     */
    private Map<String, Object> halfSaturation(
            Wrk paced, String url, double saturated, Collection<ServerProcess> servers) throws Exception {
        int connections = 32;
        double target = saturated / 2;
        double delayMs = 1000.0 * connections / target;
        quiet(servers);
        WrkResult calibration = paced.run(url, connections, quick ? 1 : 3, delay(delayMs));
        double latencySeconds = Math.max(0, connections / calibration.requestsPerSecond() - delayMs / 1000);
        delayMs = Math.max(1, 1000 * (connections / target - latencySeconds));
        System.out.printf(
                Locale.ROOT,
                "serving half-saturation calibration: %s; mean think time now %.2f ms%n",
                calibration,
                delayMs);
        List<WrkResult> runs = new ArrayList<>();
        for (int r = 1; r <= repeats(); r++) {
            quiet(servers);
            WrkResult w = paced.run(url, connections, pointSeconds(), delay(delayMs));
            runs.add(w);
            System.out.printf(Locale.ROOT, "serving half-saturation (target %.0f req/s): %s%n", target, w);
        }
        Map<String, Object> half = new LinkedHashMap<>();
        half.put("batching", "on");
        half.put("saturatedRequestsPerSecond", saturated);
        half.put("targetRequestsPerSecond", target);
        half.put("connections", connections);
        half.put("meanThinkTimeMs", delayMs);
        half.putAll(WrkResult.figures(runs));
        return half;
    }

    private static Map<String, String> delay(double ms) {
        return Map.of("HEARTH_MEAN_DELAY_MS", String.format(Locale.ROOT, "%.3f", ms));
    }

    private Map<String, Object> result(
            Map<String, List<WrkResult>> runs, Map<String, Map<Integer, Double>> ceiling, Map<String, Object> half) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "serving");
        result.put("model", "784-256-10 dense (ReLU, softmax), one epoch on examples/data/mnist-10k.csv.gz");
        result.put("request", "single-row OIP v2 JSON (784 raw pixel values), bearer token");
        result.put("load", "wrk, 1 thread, keep-alive");
        result.put("secondsPerPoint", pointSeconds());
        result.put("repeats", repeats());
        Settings defaults = ServingSettings.loader().load(null, List.of());
        result.put("batchMaxSize", defaults.get(ServingSettings.BATCH_MAX_SIZE));
        result.put("batchMaxDelayMicros", defaults.get(ServingSettings.BATCH_MAX_DELAY_US));
        result.put("defaultForwardPass", defaults.getBoolean(ServingSettings.DENSE_FAST_PATH) ? "dense" : "dl4j");
        List<Map<String, Object>> points = new ArrayList<>();
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (boolean dense : new boolean[] {true, false}) {
            for (int c : POINTS.get(new Mode(dense, true))) {
                for (boolean batching : new boolean[] {true, false}) {
                    List<WrkResult> w = runs.get(new Mode(dense, batching).key(c));
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("forwardPass", new Mode(dense, batching).pass());
                    p.put("batching", onOff(batching));
                    p.put("connections", c);
                    p.putAll(WrkResult.figures(w));
                    points.add(p);
                }
                ratios.put(
                        new Mode(dense, true).pass() + "/" + c,
                        median(runs, new Mode(dense, true), c) / median(runs, new Mode(dense, false), c));
            }
        }
        result.put("points", points);
        result.put("ratioBatchingOnOverOff", ratios);
        Map<String, Object> ceilingByPass = new LinkedHashMap<>();
        ceiling.forEach((pass, byBatch) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            byBatch.forEach((b, v) -> m.put(Integer.toString(b), v));
            ceilingByPass.put(pass, m);
        });
        result.put("ceilingRowsPerSecond", ceilingByPass);
        result.put("halfSaturation", half);
        result.put("ratioBatchingAt32", ratios.get("dense/32"));
        result.put("ratioBatchingAt32Dl4j", ratios.get("dl4j/32"));
        result.put("ratioDenseOverDl4jBatchedAt32", median(runs, DENSE_ON, 32) / median(runs, DL4J_ON, 32));
        result.put("ratioDenseOverDl4jUnbatchedAt32", median(runs, DENSE_OFF, 32) / median(runs, DL4J_OFF, 32));
        result.put("p99AtHalfSaturationMs", ((Stats) half.get("p99Ms")).median());
        return result;
    }

    private static double median(Map<String, List<WrkResult>> runs, Mode mode, int connections) {
        return Stats.of(WrkResult.rps(runs.get(mode.key(connections)))).median();
    }

    @Override
    public String markdown(Map<String, Object> result) {
        return ServingTable.markdown(result);
    }

    private ServerProcess start(ServingModel model, Path tokens, Mode mode, Path log) throws Exception {
        return ServerProcess.start(
                root,
                ServerProcess.settings(
                        model.store(),
                        model.name(),
                        tokens,
                        ServingSettings.DENSE_FAST_PATH + "=" + mode.dense(),
                        ServingSettings.BATCHING_ENABLED + "=" + mode.batching()),
                log);
    }

    /** Lets every server finish the work a previous load left behind before the next point is measured. */
    private void quiet(Collection<ServerProcess> servers) throws InterruptedException {
        for (ServerProcess server : servers) {
            long waited = server.awaitQuiet(quick ? 2_000 : 10_000);
            if (waited > 1_000) {
                System.out.printf(
                        Locale.ROOT, "serving: waited %.1f s for %s to go idle%n", waited / 1e3, server.url());
            }
        }
    }

    /**
     * Warm-up per server and connection count. The 32-connection warm-up is long because C2 compiles the hot paths
     * while the saturated server and wrk share the two cores: throughput was still rising 20 s into a run.
     */
    private int warmupSeconds(int connections) {
        return quick ? 1 : connections >= 32 ? 20 : 5;
    }

    private static String infer(ServerProcess server) {
        return server.url() + "/v2/models/" + MODEL + "/infer";
    }

    private static String onOff(boolean batching) {
        return batching ? "on" : "off";
    }
}
