package dev.hearth.bench;

import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.Predictor;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.runtime.cli.ModelsMain;
import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.Trees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The same 784-256-128-10 network (trained by Hearth's DL4J for one epoch on {@code examples/data/mnist-10k.csv.gz},
 * then exported with {@code hearth models export --format onnx} and imported back with {@code hearth models
 * import}) on the three ways model-runtime runs it: DL4J's {@code output()}, Hearth's dense pass and ONNX Runtime.
 * In-process: rows/s of {@code RowPredictor.predictRows} on one thread at batch 1, 8 and 32 (one native thread
 * each, as {@code serving.compute.threads=1} runs them). Over HTTP: a server JVM per runtime as {@code bin/hearth
 * serve} runs it (defaults, batching on, auth on), wrk at 32 connections with single-row OIP v2 requests; points
 * alternate between runtimes, repeated, after warm-up. DL4J's {@code output()} is the baseline of the ratios.
 */
final class RuntimeBench implements Benchmark {
    static final int[] BATCHES = {1, 8, 32};
    static final int CONNECTIONS = 32;
    private static final String DL4J = "mnist";
    private static final String ONNX = "mnist-onnx";
    /** The three runtimes: name in results, model served, dense fast path setting. */
    private static final List<String> RUNTIMES = List.of("dl4j", "dense", "onnx");

    private final Path root;
    private final boolean quick;

    RuntimeBench(Path root, boolean quick) {
        this.root = root;
        this.quick = quick;
    }

    @Override
    public String name() {
        return "runtime";
    }

    private int repeats() {
        return quick ? 1 : 3;
    }

    @Override
    public Map<String, Object> run() throws Exception {
        Wrk.ensureInstalled();
        Path work = Files.createTempDirectory("hearth-bench-runtime");
        try {
            return measure(work);
        } finally {
            Trees.delete(work);
        }
    }

    private Map<String, Object> measure(Path work) throws Exception {
        Path storeDir = work.resolve("store");
        LocalCsv csv = LocalCsv.read(root.resolve("examples/data/mnist-10k.csv.gz"), 0);
        publish(storeDir, csv);
        Path onnxFile = work.resolve("mnist.onnx");
        models(storeDir, "export", DL4J + "/1", "--format", "onnx", "--output", onnxFile.toString());
        models(storeDir, "import", "--framework", "onnx", "--file", onnxFile.toString(), "--name", ONNX);
        float[][] rows = Arrays.copyOf(csv.features, Math.min(256, csv.features.length));
        Map<String, Map<Integer, List<Double>>> inProcess = inProcess(storeDir, rows);
        return result(inProcess, http(work, storeDir, rows));
    }

    /** Rows/s of each runtime's {@code predictRows} per batch size, runtimes alternating per repeat. */
    private Map<String, Map<Integer, List<Double>>> inProcess(Path storeDir, float[][] rows) {
        ModelStore store = HadoopModelStore.open(storeDir.toString(), new Configuration());
        Map<String, Map<Integer, List<Double>>> inProcess = new LinkedHashMap<>();
        Map<String, Predictor> predictors = new LinkedHashMap<>();
        try {
            predictors.put("dl4j", load(store, DL4J, false));
            predictors.put("dense", load(store, DL4J, true));
            predictors.put("onnx", load(store, ONNX, true));
            for (int r = 1; r <= repeats(); r++) {
                for (String runtime : order(r)) {
                    new ForwardCeiling((RowPredictor) predictors.get(runtime), runtime, rows, quick ? 0.6 : 2)
                            .measure(BATCHES)
                            .forEach((b, v) -> inProcess
                                    .computeIfAbsent(runtime, k -> new LinkedHashMap<>())
                                    .computeIfAbsent(b, k -> new ArrayList<>())
                                    .add(v));
                }
            }
        } finally {
            predictors.values().forEach(Predictor::close);
        }
        return inProcess;
    }

    private static Predictor load(ModelStore store, String model, boolean dense) {
        return ModelRuntime.standard(new RuntimeOptions(dense, 1)).load(store, store.resolve(ModelRef.parse(model)));
    }

    /** The runtimes in repeat {@code r}'s order: rotated by one per repeat, so drift favours none. */
    private static List<String> order(int r) {
        List<String> order = new ArrayList<>(RUNTIMES);
        java.util.Collections.rotate(order, r - 1);
        return order;
    }

    /** wrk's runs against one server JVM per runtime, after warm-up, runtimes alternating per repeat. */
    private Map<String, List<WrkResult>> http(Path work, Path storeDir, float[][] rows) throws Exception {
        Path tokens = work.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("predict:" + DL4J, "predict:" + ONNX));
        Path body = work.resolve("body.json");
        Files.writeString(body, InferRequest.ofRows(null, rows[0]).toJson());
        Wrk wrk = Wrk.infer(root, body, token);
        Map<String, ServerProcess> servers = new LinkedHashMap<>();
        try {
            for (String runtime : RUNTIMES) {
                servers.put(
                        runtime,
                        ServerProcess.start(
                                root,
                                ServerProcess.settings(
                                        storeDir,
                                        model(runtime),
                                        tokens,
                                        ServingSettings.DENSE_FAST_PATH + "=" + !"dl4j".equals(runtime)),
                                work.resolve(runtime + ".log")));
            }
            for (String runtime : RUNTIMES) {
                System.out.printf(
                        Locale.ROOT,
                        "runtime warm-up, %s: %s%n",
                        runtime,
                        wrk.run(url(servers, runtime), CONNECTIONS, quick ? 2 : 20, Map.of()));
            }
            return rounds(wrk, servers);
        } finally {
            for (ServerProcess s : servers.values()) {
                s.close();
            }
        }
    }

    private Map<String, List<WrkResult>> rounds(Wrk wrk, Map<String, ServerProcess> servers) throws Exception {
        Map<String, List<WrkResult>> http = new LinkedHashMap<>();
        for (int r = 1; r <= repeats(); r++) {
            for (String runtime : order(r)) {
                for (ServerProcess s : servers.values()) {
                    s.awaitQuiet(quick ? 2_000 : 10_000);
                }
                WrkResult w = wrk.run(url(servers, runtime), CONNECTIONS, quick ? 2 : 5, Map.of());
                http.computeIfAbsent(runtime, k -> new ArrayList<>()).add(w);
                System.out.printf(
                        Locale.ROOT, "runtime round %d, %s, %d connections: %s%n", r, runtime, CONNECTIONS, w);
            }
        }
        return http;
    }

    private static String model(String runtime) {
        return "onnx".equals(runtime) ? ONNX : DL4J;
    }

    private static String url(Map<String, ServerProcess> servers, String runtime) {
        return servers.get(runtime).url() + "/v2/models/" + model(runtime) + "/infer";
    }

    private Map<String, Object> result(
            Map<String, Map<Integer, List<Double>>> inProcess, Map<String, List<WrkResult>> http) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "runtime");
        result.put(
                "model",
                "784-256-128-10 dense (ReLU, ReLU, softmax), DL4J, one epoch on "
                        + "examples/data/mnist-10k.csv.gz; exported to ONNX (opset 13) and imported back");
        result.put("repeats", repeats());
        result.put("machine", "shared: 2 cores with other jobs running; figures are noisy");
        Map<String, Object> rowsPerSecond = new LinkedHashMap<>();
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String runtime : RUNTIMES) {
            Map<String, Object> byBatch = new LinkedHashMap<>();
            inProcess.get(runtime).forEach((b, v) -> byBatch.put(Integer.toString(b), Stats.of(v)));
            rowsPerSecond.put(runtime, byBatch);
        }
        for (int b : BATCHES) {
            double base = Stats.of(inProcess.get("dl4j").get(b)).median();
            for (String runtime : List.of("dense", "onnx")) {
                ratios.put(
                        runtime + "/batch" + b,
                        Stats.of(inProcess.get(runtime).get(b)).median() / base);
            }
        }
        result.put("inProcessRowsPerSecond", rowsPerSecond);
        Map<String, Object> requests = new LinkedHashMap<>();
        double httpBase = Stats.of(WrkResult.rps(http.get("dl4j"))).median();
        for (String runtime : RUNTIMES) {
            requests.put(runtime, WrkResult.figures(http.get(runtime)));
            if (!"dl4j".equals(runtime)) {
                ratios.put(
                        runtime + "/http32",
                        Stats.of(WrkResult.rps(http.get(runtime))).median() / httpBase);
            }
        }
        result.put("httpAt32Connections", requests);
        result.put("ratiosOverDl4jOutput", ratios);
        return result;
    }

    @Override
    @SuppressWarnings("unchecked")
    public String markdown(Map<String, Object> result) {
        StringBuilder md =
                new StringBuilder("### Runtimes (784-256-128-10: DL4J output(), dense pass, ONNX Runtime)\n\n");
        md.append(String.format(
                Locale.ROOT,
                "One network trained by Hearth, exported to ONNX and imported back; %s "
                        + "repeats alternating between runtimes. **Shared, noisy machine** (2 cores, other jobs running).%n%n",
                result.get("repeats")));
        md.append(
                "| runtime | batch 1 rows/s | batch 8 rows/s | batch 32 rows/s | HTTP req/s at 32 conn. | p99 ms |\n");
        md.append("|---|---|---|---|---|---|\n");
        Map<String, Map<String, Stats>> in = (Map<String, Map<String, Stats>>) result.get("inProcessRowsPerSecond");
        Map<String, Map<String, Stats>> http = (Map<String, Map<String, Stats>>) result.get("httpAt32Connections");
        Map<String, Double> ratios = (Map<String, Double>) result.get("ratiosOverDl4jOutput");
        for (String runtime : RUNTIMES) {
            List<String> cells = new ArrayList<>();
            for (int b : BATCHES) {
                Stats s = in.get(runtime).get(Integer.toString(b));
                Double ratio = ratios.get(runtime + "/batch" + b);
                cells.add(String.format(
                        Locale.ROOT,
                        "%,.0f (%,.0f-%,.0f)%s",
                        s.median(),
                        s.min(),
                        s.max(),
                        ratio == null ? "" : String.format(Locale.ROOT, " **%.2fx**", ratio)));
            }
            Stats rps = http.get(runtime).get("requestsPerSecond");
            Double ratio = ratios.get(runtime + "/http32");
            cells.add(String.format(
                    Locale.ROOT,
                    "%,.0f (%,.0f-%,.0f)%s",
                    rps.median(),
                    rps.min(),
                    rps.max(),
                    ratio == null ? "" : String.format(Locale.ROOT, " **%.2fx**", ratio)));
            cells.add(String.format(
                    Locale.ROOT, "%.2f", http.get(runtime).get("p99Ms").median()));
            md.append("| ")
                    .append(
                            switch (runtime) {
                                case "dl4j" -> "DL4J `output()` (baseline)";
                                case "dense" -> "dense pass (default for DL4J)";
                                default -> "ONNX Runtime 1.20";
                            })
                    .append(" | ")
                    .append(String.join(" | ", cells))
                    .append(" |\n");
        }
        md.append("\nIn-process: `RowPredictor.predictRows` on one thread, one native thread per pass; ratios against "
                + "DL4J `output()` in bold. HTTP: one server JVM per runtime (defaults, batching on, auth on), wrk "
                + "single-row OIP v2 requests.\n");
        return md.toString();
    }

    /** Trains the network for one epoch and publishes it as {@code mnist/1}. */
    private static void publish(Path storeDir, LocalCsv csv) {
        NormalizerSpec normalizer = PixelNetworks.pixelRange(784);
        MultiLayerNetwork net = PixelNetworks.trainOneEpoch(csv, normalizer, 256, 128);
        PixelNetworks.publish(storeDir, DL4J, net, csv, List.of(), normalizer, "runtime");
    }

    /** Runs {@code hearth models ARGS --store STORE} in this JVM; fails unless it exits 0. */
    private static void models(Path store, String... args) {
        StringWriter err = new StringWriter();
        var cl = ModelsMain.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--store";
        all[args.length + 1] = store.toString();
        int code = cl.execute(all);
        if (code != 0) {
            throw new IllegalStateException("hearth models " + String.join(" ", args) + " exited " + code + ": " + err);
        }
    }
}
