package dev.hearth.bench.abuse;

import dev.hearth.serving.ServingSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.Trees;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The abuse suite: publishes a model (and older versions of it, and two models to tamper with) into a fresh local
 * store, creates tokens with {@code bin/hearth tokens create}, starts {@code bin/hearth serve} on it (port 0 on
 * 127.0.0.1, auth on with that token file, every other setting at its default), starts the well-behaved clients,
 * and runs the hostile loads ({@link HostileLoads}) one after another, each measured by {@link LoadMeasurement}.
 */
public final class AbuseSuite {
    /** The served model the clients and most loads use. */
    public static final String MODEL = "mnist";

    static final String EXTRA_MODEL = "tampered-extra";
    static final String PREPROCESSOR_MODEL = "tampered-preproc";
    static final int OLD_VERSIONS = 5;

    private final Path root;
    private final AbuseProfile profile;
    private final AbuseModel model;
    private final Path logs;
    private final long seed;
    private final HearthLauncher launcher;

    private Path store;
    private Path tokens;
    private ServerUnderTest server;
    private ProcessMemory memory;
    private WellBehavedClients clients;
    private int starts;

    /**
     * @param root the Hearth checkout (bin/hearth, built jars)
     * @param logs directory for the server logs (kept after the run)
     * @param seed seed of everything random (names, tokens, kill points)
     */
    public AbuseSuite(Path root, AbuseProfile profile, AbuseModel model, Path logs, long seed) {
        this.root = root;
        this.profile = profile;
        this.model = model;
        this.logs = logs;
        this.seed = seed;
        this.launcher = new HearthLauncher(root);
    }

    /** Runs every load and returns the figures; the temporary store is deleted, the server logs kept. */
    public AbuseReport run() throws Exception {
        launcher.requireBuilt();
        Files.createDirectories(logs);
        Path work = Files.createTempDirectory("hearth-abuse");
        try {
            return runIn(work);
        } finally {
            if (clients != null) {
                clients.close();
            }
            stopServer();
            Trees.delete(work);
        }
    }

    private AbuseReport runIn(Path work) throws Exception {
        store = work.resolve("store");
        tokens = work.resolve("tokens");
        Publishing publishing =
                new Publishing(HadoopModelStore.open(store.toString(), new Configuration()), model.signature());
        publishModels(publishing);
        Tokens t = createTokens();
        startServer();
        List<String> bodies = model.singleRowBodies(16);
        startClients(bodies, t.client());
        server.metrics(t.monitor());
        LoadMeasurement measurement =
                new LoadMeasurement(profile, serverHandle(t.monitor()), clients, t.monitor(), 2L << 30);
        HostileLoads hostile = new HostileLoads(
                profile, model, measurement, serverHandle(t.monitor()), t.attacker(), bodies.get(0), seed);
        List<LoadReport> loads = hostile.run(publishing, t.admin());
        Path killStore = work.resolve("kill-store");
        KillTrials trials = new KillTrials(
                launcher,
                killStore,
                new Publishing(HadoopModelStore.open(killStore.toString(), new Configuration()), model.signature()),
                model.zip(),
                seed);
        loads.add(hostile.killTrials(trials));
        return new AbuseReport(setup(), loads);
    }

    /** The served model's versions (the latest served, the older ones for load 6) and the two to tamper with. */
    private void publishModels(Publishing publishing) {
        for (int v = 1; v <= OLD_VERSIONS + 1; v++) {
            publishing.publish(MODEL, model.zip(), "version " + v);
        }
        publishing.publish(EXTRA_MODEL, model.zip(), "untampered");
        publishing.publish(PREPROCESSOR_MODEL, model.zip(), "untampered");
    }

    /** The four tokens: the clients', the attacker's (same scope), a monitor's and an admin's. */
    private record Tokens(String client, String attacker, String monitor, String admin) {}

    private Tokens createTokens() throws IOException, InterruptedException {
        String clientToken = launcher.createToken(tokens, List.of("predict:" + MODEL));
        String attackerToken = launcher.createToken(tokens, List.of("predict:" + MODEL));
        String monitorToken = launcher.createToken(tokens, List.of("read:*"));
        String adminToken = launcher.createToken(tokens, List.of("predict:*", "read:*"));
        return new Tokens(clientToken, attackerToken, monitorToken, adminToken);
    }

    /** Starts the well-behaved clients and lets them warm the server up; refuses a server that served none. */
    private void startClients(List<String> bodies, String clientToken) throws InterruptedException {
        clients = new WellBehavedClients(
                URI.create(inferUrl()), clientToken, bodies, profile.clients(), profile.clientRate());
        clients.start();
        long w0 = clients.mark();
        Thread.sleep(profile.warmupSeconds() * 1000L);
        WellBehavedClients.Window warmup = clients.window(w0, clients.mark());
        System.out.printf(
                Locale.ROOT,
                "abuse: warm-up %d/%d well-behaved requests ok, p99 %.1f ms%n",
                warmup.ok(),
                warmup.sent(),
                warmup.p99Ms());
        if (warmup.ok() == 0) {
            throw new IllegalStateException(
                    "no well-behaved request succeeded during warm-up: " + warmup.failures() + "; see " + server.log());
        }
    }

    /** The current server for the loads; a restart replaces it and points the clients and the monitor at it. */
    private LoadMeasurement.ServerHandle serverHandle(String monitorToken) {
        return new LoadMeasurement.ServerHandle() {
            @Override
            public ServerUnderTest server() {
                return server;
            }

            @Override
            public ProcessMemory memory() {
                return memory;
            }

            @Override
            public void restart() throws Exception {
                stopServer();
                startServer();
                clients.retarget(URI.create(inferUrl()));
                server.metrics(monitorToken);
                Thread.sleep(2_000);
            }
        };
    }

    /** How the run was set up, for the report. */
    private Map<String, Object> setup() {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("mode", profile.mode());
        setup.put("profile", profile);
        setup.put("seed", seed);
        setup.put(
                "server",
                "bin/hearth serve --store <fresh local store> --port 0 --set auth.tokens.file=<file>"
                        + " (ZGC, -Xmx2g from the launcher; every other setting at its default)");
        setup.put("serverStarts", starts);
        setup.put("serverLogs", logs.toString());
        setup.put(
                "servedModels",
                List.of(MODEL + " (latest of " + (OLD_VERSIONS + 1) + " versions)", EXTRA_MODEL, PREPROCESSOR_MODEL));
        setup.put(
                "clients",
                String.format(
                        Locale.ROOT,
                        "%d threads x %.0f req/s, valid single-row OIP v2, own" + " token predict:%s",
                        profile.clients(),
                        profile.clientRate(),
                        MODEL));
        setup.put(
                "tokens",
                List.of(
                        "clients predict:" + MODEL,
                        "attacker predict:" + MODEL,
                        "monitor read:*",
                        "admin predict:*,read:* (tampered versions only)"));
        return setup;
    }

    private String inferUrl() {
        return server.url() + "/v2/models/" + MODEL + "/infer";
    }

    private void startServer() throws IOException, InterruptedException {
        starts++;
        server = ServerUnderTest.start(
                launcher,
                List.of(
                        "--store",
                        store.toString(),
                        "--port",
                        "0",
                        "--set",
                        ServingSettings.TOKENS_FILE + "=" + tokens),
                logs.resolve("server-" + starts + ".log"));
        if (!server.awaitReady(Duration.ofMinutes(2))) {
            throw new IllegalStateException("the server did not become ready within 2 minutes; see " + server.log());
        }
        memory = new ProcessMemory(server.pid());
        System.out.printf(
                Locale.ROOT,
                "abuse: server %d (pid %d) ready on %s, log %s%n",
                starts,
                server.pid(),
                server.url(),
                server.log());
    }

    private void stopServer() throws InterruptedException {
        if (memory != null) {
            memory.close();
            memory = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
