package dev.hearth.bench;

import dev.hearth.config.Settings;
import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.console.ConsoleServer;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelStore;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.cli.ModelsCommand;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.Trees;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web console render times on a large store (200 models x 50 versions; {@code --quick}: 20 x 5): the models page and
 * a model page (50 versions), as the console's {@code Server-Timing} reports them (server-side) and as a loopback
 * client sees them, against {@code bin/hearth models list --json} on the same store in the same run: in process
 * (the command's own code, no JVM start) and as the real CLI process. The models page is measured twice: as
 * configured by default (from its stale-while-revalidate snapshot of the store, {@code console.models.refresh.ms}
 * 5000) and with {@code console.models.refresh.ms=0} (every view reads the store), which is also what the default's
 * background re-read costs. Versions are small metadata-rich versions (one 64-byte file each: the pages never open
 * model files). Rounds alternate console and CLI after warm-up.
 */
final class ConsoleBench implements Benchmark {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleBench.class);

    private final Path root;
    private final boolean quick;

    ConsoleBench(Path root, boolean quick) {
        this.root = root;
        this.quick = quick;
    }

    @Override
    public String name() {
        return "console";
    }

    @Override
    public boolean inDefaultRun() {
        return false;
    }

    @Override
    public Map<String, Object> run() throws Exception {
        int models = quick ? 20 : 200;
        int versions = quick ? 5 : 50;
        Path work = Files.createTempDirectory(Files.createDirectories(root.resolve("bench/target")), "console-bench-");
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            String storeRoot = work.resolve("store").toString();
            long t0 = System.nanoTime();
            build(HadoopModelStore.open(storeRoot, new Configuration()), models, versions);
            r.put("models", models);
            r.put("versionsPerModel", versions);
            r.put("buildSeconds", (System.nanoTime() - t0) / 1e9);
            LOG.info(
                    "Console benchmark store: {} models x {} versions in {} s",
                    models,
                    versions,
                    r.get("buildSeconds"));
            pages(storeRoot, String.format(Locale.ROOT, "model-%03d", models / 2), r);
            List<Double> cliProcess = new ArrayList<>();
            for (int i = 0; i < (quick ? 1 : 3); i++) {
                cliProcess.add(cliProcess(storeRoot));
            }
            r.put("cliProcessMs", Stats.of(cliProcess));
            ratiosAndTargets(r);
        } finally {
            Trees.delete(work);
        }
        return r;
    }

    /**
     * The models page (default snapshot and {@code console.models.refresh.ms=0}), one model's page and the CLI in
     * process, after warm-up, alternating round by round.
     */
    private void pages(String storeRoot, String model, Map<String, Object> r) throws Exception {
        Javalin console = ConsoleServer.start(settings(storeRoot));
        Javalin live = ConsoleServer.start(settings(storeRoot, "console.models.refresh.ms=0"));
        try {
            String liveBase = "http://127.0.0.1:" + live.port();
            List<Double> liveServer = new ArrayList<>();
            List<Double> liveClient = new ArrayList<>();
            String base = "http://127.0.0.1:" + console.port();
            HttpClient client =
                    HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            List<Double> modelsServer = new ArrayList<>();
            List<Double> modelsClient = new ArrayList<>();
            List<Double> modelServer = new ArrayList<>();
            List<Double> modelClient = new ArrayList<>();
            List<Double> cliInProcess = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                page(client, base + "/console/models", null, null);
                page(client, liveBase + "/console/models", null, null);
                page(client, base + "/console/models/" + model, null, null);
                cli(storeRoot);
            }
            for (int i = 0; i < (quick ? 3 : 10); i++) {
                page(client, base + "/console/models", modelsServer, modelsClient);
                page(client, liveBase + "/console/models", liveServer, liveClient);
                page(client, base + "/console/models/" + model, modelServer, modelClient);
                cliInProcess.add(cli(storeRoot));
            }
            r.put("modelsPageServerMs", Stats.of(modelsServer));
            r.put("modelsPageClientMs", Stats.of(modelsClient));
            r.put("modelsPageLiveServerMs", Stats.of(liveServer));
            r.put("modelsPageLiveClientMs", Stats.of(liveClient));
            r.put("modelPageServerMs", Stats.of(modelServer));
            r.put("modelPageClientMs", Stats.of(modelClient));
            r.put("cliInProcessMs", Stats.of(cliInProcess));
        } finally {
            console.stop();
            live.stop();
        }
    }

    /** A console on a free loopback port over {@code storeRoot}, auth off, plus {@code extra} (key=value). */
    private static Settings settings(String storeRoot, String... extra) {
        List<String> settings = new ArrayList<>(
                List.of("store.root=" + storeRoot, "server.port=0", "server.host=127.0.0.1", "auth.enabled=false"));
        settings.addAll(List.of(extra));
        return ServingSettings.loader().load(null, settings);
    }

    private static void ratiosAndTargets(Map<String, Object> r) {
        double models50 = ((Stats) r.get("modelsPageServerMs")).median();
        r.put("ratioModelsPageOverCliInProcess", models50 / ((Stats) r.get("cliInProcessMs")).median());
        r.put(
                "ratioModelsPageLiveOverCliInProcess",
                ((Stats) r.get("modelsPageLiveServerMs")).median() / ((Stats) r.get("cliInProcessMs")).median());
        r.put("modelsPageTargetMs", 300);
        r.put("modelPageTargetMs", 200);
        r.put("modelsPageMet", models50 < 300);
        r.put("modelPageMet", ((Stats) r.get("modelPageServerMs")).median() < 200);
    }

    /** Publishes the store on two threads (one model per task), with two aliases per model. */
    private static void build(ModelStore store, int models, int versions) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int m = 0; m < models; m++) {
                String name = String.format(Locale.ROOT, "model-%03d", m);
                done.add(pool.submit(() -> {
                    for (int v = 1; v <= versions; v++) {
                        store.publish(name, draft(v));
                    }
                    store.setAlias(name, "production", Math.max(1, versions - 2), null, "benchmark");
                    store.setAlias(name, "staging", versions, null, "benchmark");
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static ModelDraft draft(int v) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", 0.8 + v * 0.001);
        metrics.put("f1", 0.79 + v * 0.001);
        for (String c : List.of("a", "b", "c")) {
            metrics.put("recall." + c, 0.7 + v * 0.002);
            metrics.put("precision." + c, 0.75);
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("dataset.sha256", Integer.toHexString(v * 7919));
        provenance.put("sparkAppId", "local-" + v);
        provenance.put("parentVersion", Math.max(1, v - 1));
        byte[] bytes = new byte[64];
        return new ModelDraft(
                "dl4j-multilayer",
                new Signature(
                        "input",
                        "FP32",
                        4,
                        List.of("f0", "f1", "f2", "f3"),
                        List.of("a", "b", "c"),
                        NormalizerSpec.none(),
                        null,
                        null,
                        null),
                metrics,
                Map.of("train.epochs", "5", "network.layers", "4-8-3"),
                provenance,
                Map.of("decision", v % 5 == 0 ? "rejected" : "promoted"),
                Map.of("model.zip", out -> out.write(bytes)));
    }

    private static void page(HttpClient client, String url, List<Double> server, List<Double> observed)
            throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r =
                client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        if (server != null) {
            String timing = r.headers().firstValue("Server-Timing").orElseThrow();
            server.add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
            observed.add(ms);
        }
    }

    private static double cli(String storeRoot) {
        long t0 = System.nanoTime();
        int exit = ModelsCommand.commandLine()
                .setOut(new PrintWriter(Writer.nullWriter()))
                .execute("--store", storeRoot, "--json", "list");
        if (exit != 0) {
            throw new IllegalStateException("models list exited " + exit);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private double cliProcess(String storeRoot) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(
                        root.resolve("bin/hearth").toString(), "models", "--store", storeRoot, "--json", "list")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("bin/hearth models list did not finish in 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("bin/hearth models list exited " + p.exitValue());
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    @Override
    public String markdown(Map<String, Object> r) {
        return String.format(
                Locale.ROOT,
                "### Web console%n%n%d models x %d versions (store built in %.0f s), "
                        + "standalone console (auth off), loopback HTTP; median (min-max, n) in ms. Shared, noisy "
                        + "2-core machine.%n%n| what | ms |%n|---|---|%n"
                        + "| models page, server-side (Server-Timing; target < 300) | %s |%n"
                        + "| models page, client-observed | %s |%n"
                        + "| models page with `console.models.refresh.ms=0` (reads the store on every view; also the cost of the default's background re-read), server-side | %s |%n"
                        + "| same, client-observed | %s |%n"
                        + "| model page (%d versions), server-side (target < 200) | %s |%n"
                        + "| model page, client-observed | %s |%n"
                        + "| `models list --json`, in process (same JVM, no start-up) | %s |%n"
                        + "| `bin/hearth models list --json`, whole process | %s |%n%n"
                        + "Models page / in-process CLI: **%.3f** (snapshot), **%.2f** (reading the store on every view).%n%n",
                r.get("models"),
                r.get("versionsPerModel"),
                r.get("buildSeconds"),
                ((Stats) r.get("modelsPageServerMs")).toString(1),
                ((Stats) r.get("modelsPageClientMs")).toString(1),
                ((Stats) r.get("modelsPageLiveServerMs")).toString(1),
                ((Stats) r.get("modelsPageLiveClientMs")).toString(1),
                r.get("versionsPerModel"),
                ((Stats) r.get("modelPageServerMs")).toString(1),
                ((Stats) r.get("modelPageClientMs")).toString(1),
                ((Stats) r.get("cliInProcessMs")).toString(1),
                ((Stats) r.get("cliProcessMs")).toString(0),
                r.get("ratioModelsPageOverCliInProcess"),
                r.get("ratioModelsPageLiveOverCliInProcess"));
    }
}
