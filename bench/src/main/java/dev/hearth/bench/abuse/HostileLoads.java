package dev.hearth.bench.abuse;

import dev.hearth.bench.abuse.LoadReport.Target;
import dev.hearth.config.Settings;
import dev.hearth.serving.ServingSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.IntStream;

/**
 * The abuse suite's hostile loads, 1 to 8 in order, each run and judged by {@link LoadMeasurement} against the
 * server the {@link LoadMeasurement.ServerHandle} names at the time (a restart replaces it).
 */
final class HostileLoads {
    private static final String MODEL = AbuseSuite.MODEL;
    private static final int V1_BOMB_BYTES = 4 << 20;
    private static final int PRIMING_REQUESTS = 40;

    private final AbuseProfile profile;
    private final AbuseModel model;
    private final LoadMeasurement measurement;
    private final LoadMeasurement.ServerHandle system;
    private final String attackerToken;
    private final long seed;
    private final Settings defaults;
    private final Duration d;
    private final String body;
    private final HttpFlood flood;
    private final HttpFlood bombs;
    private int hostileGenerators;

    /**
     * @param body a valid single-row request body
     * @param seed seed of the hostile requests' random names and tokens
     */
    HostileLoads(
            AbuseProfile profile,
            AbuseModel model,
            LoadMeasurement measurement,
            LoadMeasurement.ServerHandle system,
            String attackerToken,
            String body,
            long seed) {
        this.profile = profile;
        this.model = model;
        this.measurement = measurement;
        this.system = system;
        this.attackerToken = attackerToken;
        this.body = body;
        this.seed = seed;
        this.defaults = ServingSettings.loader().load(null, List.of());
        this.d = Duration.ofSeconds(profile.loadSeconds());
        this.flood = new HttpFlood(profile.hostileThreads(), profile.hostileRate());
        this.bombs = new HttpFlood(profile.bombThreads(), profile.hostileRate());
    }

    /** Loads 1 to 7b against the served models; {@code adminToken} publishes and probes the tampered versions. */
    List<LoadReport> run(Publishing publishing, String adminToken) throws Exception {
        List<LoadReport> loads = new ArrayList<>();
        loads.add(measurement.measure(
                "1",
                "random model names, no token (GET .../ready, POST .../infer)",
                c -> prime(c, hostile().randomNamesWithoutToken(body)),
                c -> flood(flood, c, hostile().randomNamesWithoutToken(body)),
                f -> List.of()));
        loads.add(shapeBombs());
        loads.add(instancesBombs());
        loads.add(maximumBodies());
        loads.add(measurement.measure(
                "4",
                String.format(
                        Locale.ROOT, "%,d slow connections, one byte per second" + " each", profile.slowConnections()),
                null,
                this::slow,
                f -> List.of()));
        loads.add(measurement.measure(
                "5",
                "invalid tokens (garbage, unknown ids, a real id with a wrong secret," + " Basic)",
                c -> prime(c, hostile().invalidTokens(body)),
                c -> flood(flood, c, hostile().invalidTokens(body)),
                f -> List.of()));
        List<Integer> old =
                IntStream.rangeClosed(1, AbuseSuite.OLD_VERSIONS).boxed().toList();
        loads.add(measurement.measure(
                "6",
                "versioned requests cycling through old versions " + old + " (/versions/{v}/infer), predict token",
                null,
                c -> flood(flood, c, hostile().versionedLoads(old, body)),
                f -> List.of()));
        TamperedModelProbe probe = new TamperedModelProbe(publishing);
        loads.add(tamperedExtraEntry(probe, adminToken));
        loads.add(tamperedPreprocessor(probe, adminToken));
        return loads;
    }

    private LoadReport shapeBombs() throws Exception {
        return measurement.measure(
                "2a",
                "v2 shape bombs: \"shape\":[65536," + model.signature().featureCount()
                        + "] with 3 numbers, predict token",
                null,
                c -> flood(
                        bombs,
                        c,
                        hostile()
                                .shapeBombs(
                                        model.signature().inputName(),
                                        model.signature().featureCount())),
                f -> List.of());
    }

    private LoadReport instancesBombs() throws Exception {
        int v1Bytes = (int) Math.min(V1_BOMB_BYTES, defaults.getLong(ServingSettings.MAX_BODY_BYTES));
        return measurement.measure(
                "2b",
                String.format(
                        Locale.ROOT, "v1 instances bombs: %,d bytes of empty" + " instances, predict token", v1Bytes),
                null,
                c -> flood(bombs, c, hostile().instancesBombs(v1Bytes)),
                f -> List.of());
    }

    private LoadReport maximumBodies() throws Exception {
        long maxBody = defaults.getLong(ServingSettings.MAX_BODY_BYTES);
        byte[] validOfMax = model.bodyOfSize(maxBody, defaults.getInt(ServingSettings.MAX_ROWS, 1));
        HttpFlood bigBodies = new HttpFlood(Math.min(4, profile.hostileThreads()), 40);
        return measurement.measure(
                "3",
                String.format(
                        Locale.ROOT,
                        "bodies of server.max.body.bytes (%,d):" + " valid, garbage, and one byte over; predict token",
                        maxBody),
                null,
                c -> flood(bigBodies, c, hostile().maximumBodies(validOfMax, maxBody)),
                f -> List.of());
    }

    private LoadReport tamperedExtraEntry(TamperedModelProbe probe, String adminToken) throws Exception {
        return measurement.measure(
                "7a",
                "model zip with an extra entry (" + TamperedZips.EXTRA_ENTRY + "), published through the store API",
                null,
                c -> tampered(
                        probe,
                        c,
                        adminToken,
                        AbuseSuite.EXTRA_MODEL,
                        TamperedZips.EXTRA_ENTRY,
                        TamperedZips.withExtraEntry(model.zip())),
                f -> List.of(refused(f)));
    }

    private LoadReport tamperedPreprocessor(TamperedModelProbe probe, String adminToken) throws Exception {
        return measurement.measure(
                "7b",
                "model zip with a " + TamperedZips.PREPROCESSOR_ENTRY
                        + " entry (a serialized object), published through the store API",
                null,
                c -> tampered(
                        probe,
                        c,
                        adminToken,
                        AbuseSuite.PREPROCESSOR_MODEL,
                        TamperedZips.PREPROCESSOR_ENTRY,
                        TamperedZips.withPreprocessor(model.zip())),
                f -> List.of(
                        refused(f),
                        Target.of(
                                LoadReport.NOT_DESERIALIZED,
                                !Boolean.TRUE.equals(f.get("deserialized")),
                                Boolean.TRUE.equals(f.get("deserialized"))
                                        ? "the canary class was resolved: "
                                                + DeserializationCanary.class.getSimpleName()
                                                + " named in the server's log"
                                        : "canary never named")));
    }

    /** Load 8: {@code trials} kill -9 runs of gc/delete while an alias moves, on a store of their own. */
    LoadReport killTrials(KillTrials trials) throws Exception {
        return measurement.measure(
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
                });
    }

    private Map<String, Object> flood(HttpFlood sender, StatusCounts c, LongFunction<HttpRequest.Builder> requests)
            throws InterruptedException {
        sender.run(d, requests, c);
        return Map.of();
    }

    /**
     * The first {@value #PRIMING_REQUESTS} requests of an unauthenticated load, one at a time: what they add to
     * {@code /metrics} is allowed once.
     */
    private static Map<String, Object> prime(StatusCounts c, LongFunction<HttpRequest.Builder> requests)
            throws InterruptedException {
        new HttpFlood(1, 1000).run(Duration.ofSeconds(30), requests, c, PRIMING_REQUESTS);
        return Map.of();
    }

    private Map<String, Object> slow(StatusCounts c) throws IOException {
        URI u = URI.create(system.server().url());
        return Map.of(
                "slowConnections",
                new SlowConnections(u.getHost(), u.getPort(), MODEL, attackerToken)
                        .run(profile.slowConnections(), d, c));
    }

    private Map<String, Object> tampered(
            TamperedModelProbe probe, StatusCounts c, String token, String name, String entry, byte[] zip)
            throws InterruptedException {
        Duration decide = Duration.ofMillis(defaults.getLong(ServingSettings.POLL_INTERVAL_MS) * 2 + 15_000);
        ServerUnderTest server = system.server();
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
    private HostileRequests hostile() {
        return new HostileRequests(system.server().url(), MODEL, attackerToken, seed + hostileGenerators++);
    }

    private static String truncate(String s, int n) {
        return s.length() > n ? s.substring(0, n) + "..." : s;
    }
}
