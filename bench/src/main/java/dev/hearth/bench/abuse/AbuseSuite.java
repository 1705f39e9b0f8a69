package dev.hearth.bench.abuse;

import dev.hearth.bench.abuse.LoadReport.Target;
import dev.hearth.config.Settings;
import dev.hearth.serving.ServingSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.Trees;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;

/**
 * The abuse suite: publishes a model (and older versions of it, and two models to tamper with) into a fresh local
 * store, creates tokens with {@code bin/hearth tokens create}, starts {@code bin/hearth serve} on it (port 0 on
 * 127.0.0.1, auth on with that token file, every other setting at its default), starts the well-behaved clients,
 * and runs the hostile loads one after another, each measured by {@link LoadMeasurement}.
 */
public final class AbuseSuite {
    /** The served model the clients and most loads use. */
    public static final String MODEL = "mnist";

    static final String EXTRA_MODEL = "tampered-extra";
    static final String PREPROCESSOR_MODEL = "tampered-preproc";
    private static final int OLD_VERSIONS = 5;
    private static final int V1_BOMB_BYTES = 4 << 20;
    private static final int PRIMING_REQUESTS = 40;

    private final Path root;
    private final AbuseProfile profile;
    private final AbuseModel model;
    private final Path logs;
    private final long seed;
    private final HearthLauncher launcher;
    private final Settings defaults = ServingSettings.loader().load(null, List.of());

    private Path store;
    private Path tokens;
    private ServerUnderTest server;
    private ProcessMemory memory;
    private WellBehavedClients clients;
    private int starts;
    private int hostileGenerators;

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
        for (int v = 1; v <= OLD_VERSIONS + 1; v++) {
            publishing.publish(MODEL, model.zip(), "version " + v);
        }
        publishing.publish(EXTRA_MODEL, model.zip(), "untampered");
        publishing.publish(PREPROCESSOR_MODEL, model.zip(), "untampered");
        String clientToken = launcher.createToken(tokens, List.of("predict:" + MODEL));
        String attackerToken = launcher.createToken(tokens, List.of("predict:" + MODEL));
        String monitorToken = launcher.createToken(tokens, List.of("read:*"));
        String adminToken = launcher.createToken(tokens, List.of("predict:*", "read:*"));
        startServer();

        List<String> bodies = model.singleRowBodies(16);
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
        server.metrics(monitorToken);

        LoadMeasurement measurement = new LoadMeasurement(
                profile,
                new LoadMeasurement.ServerHandle() {
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
                },
                clients,
                monitorToken,
                2L << 30);

        Duration d = Duration.ofSeconds(profile.loadSeconds());
        long maxBody = defaults.getLong(ServingSettings.MAX_BODY_BYTES);
        int maxRows = defaults.getInt(ServingSettings.MAX_ROWS, 1);
        String body = bodies.get(0);
        HttpFlood flood = new HttpFlood(profile.hostileThreads(), profile.hostileRate());
        HttpFlood bombs = new HttpFlood(profile.bombThreads(), profile.hostileRate());
        List<LoadReport> loads = new ArrayList<>();
        loads.add(measurement.measure(
                "1",
                "random model names, no token (GET .../ready, POST .../infer)",
                c -> prime(c, hostile(attackerToken).randomNamesWithoutToken(body)),
                c -> flood(flood, c, d, hostile(attackerToken).randomNamesWithoutToken(body)),
                f -> List.of()));
        loads.add(measurement.measure(
                "2a",
                "v2 shape bombs: \"shape\":[65536," + model.signature().featureCount()
                        + "] with 3 numbers, predict token",
                null,
                c -> flood(
                        bombs,
                        c,
                        d,
                        hostile(attackerToken)
                                .shapeBombs(
                                        model.signature().inputName(),
                                        model.signature().featureCount())),
                f -> List.of()));
        int v1Bytes = (int) Math.min(V1_BOMB_BYTES, maxBody);
        loads.add(measurement.measure(
                "2b",
                String.format(
                        Locale.ROOT, "v1 instances bombs: %,d bytes of empty" + " instances, predict token", v1Bytes),
                null,
                c -> flood(bombs, c, d, hostile(attackerToken).instancesBombs(v1Bytes)),
                f -> List.of()));
        byte[] validOfMax = model.bodyOfSize(maxBody, maxRows);
        HttpFlood bigBodies = new HttpFlood(Math.min(4, profile.hostileThreads()), 40);
        loads.add(measurement.measure(
                "3",
                String.format(
                        Locale.ROOT,
                        "bodies of server.max.body.bytes (%,d):" + " valid, garbage, and one byte over; predict token",
                        maxBody),
                null,
                c -> flood(bigBodies, c, d, hostile(attackerToken).maximumBodies(validOfMax, maxBody)),
                f -> List.of()));
        loads.add(measurement.measure(
                "4",
                String.format(
                        Locale.ROOT, "%,d slow connections, one byte per second" + " each", profile.slowConnections()),
                null,
                c -> slow(c, d, attackerToken),
                f -> List.of()));
        loads.add(measurement.measure(
                "5",
                "invalid tokens (garbage, unknown ids, a real id with a wrong secret," + " Basic)",
                c -> prime(c, hostile(attackerToken).invalidTokens(body)),
                c -> flood(flood, c, d, hostile(attackerToken).invalidTokens(body)),
                f -> List.of()));
        List<Integer> old = IntStream.rangeClosed(1, OLD_VERSIONS).boxed().toList();
        loads.add(measurement.measure(
                "6",
                "versioned requests cycling through old versions " + old + " (/versions/{v}/infer), predict token",
                null,
                c -> flood(flood, c, d, hostile(attackerToken).versionedLoads(old, body)),
                f -> List.of()));
        Duration decide = Duration.ofMillis(defaults.getLong(ServingSettings.POLL_INTERVAL_MS) * 2 + 15_000);
        TamperedModelProbe probe = new TamperedModelProbe(publishing);
        loads.add(measurement.measure(
                "7a",
                "model zip with an extra entry (" + TamperedZips.EXTRA_ENTRY + "), published through the store API",
                null,
                c -> tampered(
                        probe,
                        c,
                        adminToken,
                        EXTRA_MODEL,
                        TamperedZips.EXTRA_ENTRY,
                        TamperedZips.withExtraEntry(model.zip()),
                        body,
                        decide),
                f -> List.of(refused(f))));
        loads.add(measurement.measure(
                "7b",
                "model zip with a " + TamperedZips.PREPROCESSOR_ENTRY
                        + " entry (a serialized object), published through the store API",
                null,
                c -> tampered(
                        probe,
                        c,
                        adminToken,
                        PREPROCESSOR_MODEL,
                        TamperedZips.PREPROCESSOR_ENTRY,
                        TamperedZips.withPreprocessor(model.zip()),
                        body,
                        decide),
                f -> List.of(
                        refused(f),
                        Target.of(
                                LoadReport.NOT_DESERIALIZED,
                                !Boolean.TRUE.equals(f.get("deserialized")),
                                Boolean.TRUE.equals(f.get("deserialized"))
                                        ? "the canary class was resolved: "
                                                + DeserializationCanary.class.getSimpleName()
                                                + " named in the server's log"
                                        : "canary never named"))));
        Path killStore = work.resolve("kill-store");
        KillTrials trials = new KillTrials(
                launcher,
                killStore,
                new Publishing(HadoopModelStore.open(killStore.toString(), new Configuration()), model.signature()),
                model.zip(),
                seed);
        loads.add(measurement.measure(
                "8",
                "kill -9 of models gc --apply / models delete at random points, alias"
                        + " moving between the versions they remove",
                null,
                c -> {
                    Map<String, Object> r = trials.run(profile.killTrials());
                    for (int i = 0; i < profile.killTrials(); i++) {
                        c.sending();
                    }
                    return Map.of("killTrials", r);
                },
                f -> {
                    Map<?, ?> r = (Map<?, ?>) f.get("killTrials");
                    int bad = ((Number) r.get("aliasedVersionHiddenOrDeleted")).intValue();
                    return List.of(Target.of(
                            LoadReport.ALIASES,
                            bad == 0,
                            bad + " of " + r.get("trials")
                                    + " trials; " + r.get("killedDuringRemoval") + " killed during removal, "
                                    + r.get("killedWhileAliasedVersionHidden")
                                    + " of them while the aliased version was"
                                    + " hidden"));
                }));

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
        return new AbuseReport(setup, loads);
    }

    private static Map<String, Object> flood(
            HttpFlood flood,
            StatusCounts c,
            Duration d,
            java.util.function.LongFunction<java.net.http.HttpRequest.Builder> requests)
            throws InterruptedException {
        flood.run(d, requests, c);
        return Map.of();
    }

    /**
     * The first {@value #PRIMING_REQUESTS} requests of an unauthenticated load, one at a time: what they add to
     * {@code /metrics} is allowed once.
     */
    private static Map<String, Object> prime(
            StatusCounts c, java.util.function.LongFunction<java.net.http.HttpRequest.Builder> requests)
            throws InterruptedException {
        new HttpFlood(1, 1000).run(Duration.ofSeconds(30), requests, c, PRIMING_REQUESTS);
        return Map.of();
    }

    private Map<String, Object> slow(StatusCounts c, Duration d, String token) throws IOException {
        URI u = URI.create(server.url());
        return Map.of(
                "slowConnections",
                new SlowConnections(u.getHost(), u.getPort(), MODEL, token).run(profile.slowConnections(), d, c));
    }

    private Map<String, Object> tampered(
            TamperedModelProbe probe,
            StatusCounts c,
            String token,
            String name,
            String entry,
            byte[] zip,
            String body,
            Duration decide)
            throws InterruptedException {
        c.sending();
        Map<String, Object> r = probe.probe(server, token, name, entry, zip, body, decide, server.logSize());
        c.answered((Integer) r.get("versionedInferStatus"), false);
        return r;
    }

    private static Target refused(Map<String, Object> f) {
        boolean accepted = Boolean.TRUE.equals(f.get("accepted"));
        return Target.of(
                LoadReport.REFUSED,
                !accepted,
                String.format(
                        Locale.ROOT,
                        "versioned request %s, served" + " version %s%s",
                        f.get("versionedInferStatus"),
                        f.get("servedVersionAfter"),
                        f.get("refusedReason") == null
                                ? ""
                                : ", refused: " + truncate((String) f.get("refusedReason"), 120)));
    }

    /** Hostile requests against the current server; each call draws other random names and tokens. */
    private HostileRequests hostile(String attackerToken) {
        return new HostileRequests(server.url(), MODEL, attackerToken, seed + hostileGenerators++);
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

    private static String truncate(String s, int n) {
        return s.length() > n ? s.substring(0, n) + "..." : s;
    }
}
