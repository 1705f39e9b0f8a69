package dev.hearth.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.runtime.TestNetworks;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.client.LoadClients;
import dev.hearth.serving.client.LoadClients.Answer;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three replica JVMs ({@code bin/hearth fleet start 3}, the packaged jar) behind a real HAProxy on one shared store,
 * under continuous load: (a) production moves to a new version: every replica converges within the poll interval +
 * load time and none flips back; (b) a rolling restart of all replicas with drain: 0 failed requests; (c) one
 * replica SIGKILLed and restarted: only requests in flight on it may fail; (d) a canary at 10, 50 and 100 %
 * through the shared rollout file: the observed split within tolerance for the sample, each routing key on one
 * version, 0 failed requests; (e) shadow at 100 % on a version that disagrees on a known share of the rows sent:
 * the agreement merged from the replicas' summaries in the store matches it. Sized for 2 cores (short phases, 6
 * connections); {@code bench/run --only fleet} runs the long version.
 */
class FleetIT {
    private static final Logger LOG = LoggerFactory.getLogger(FleetIT.class);
    private static final int CONNECTIONS = 6;
    private static final long POLL_MS = 200;

    @TempDir
    Path dir;

    static float[][] rows(int n, long seed) {
        Random r = new Random(seed);
        float[][] rows = new float[n][4];
        for (float[] row : rows) {
            for (int i = 0; i < 4; i++) {
                row[i] = r.nextFloat() * 10;
            }
        }
        return rows;
    }

    @Test
    void convergesRestartsRollingAndSurvivesAKilledReplica() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        publish(store, 1);
        publish(store, 2);
        publish(store, 3);
        publish(store, 4);
        store.setAlias("iris", "production", 1, null, "first");
        store.setAlias("iris", "canary", 3, null, "candidate");
        store.setAlias("iris", "shadow", 4, null, "challenger");
        Path rolloutFile = dir.resolve("rollout.properties");
        java.nio.file.Files.writeString(rolloutFile, "");
        Path tokens = dir.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("predict:*", "read:*"));
        Path state = dir.resolve("fleet");
        java.nio.file.Files.createDirectories(state);
        try (FleetProcess fleet = new FleetProcess(state, 3, "384m")) {
            String out = fleet.run(
                    300,
                    "start",
                    "3",
                    "--store",
                    store.root(),
                    "--set",
                    "serving.models=iris@production",
                    "--set",
                    "serving.poll.interval.ms=" + POLL_MS,
                    "--set",
                    "auth.tokens.file=" + tokens,
                    "--set",
                    "server.drain.ms=1500",
                    "--set",
                    "server.access.log=false",
                    "--set",
                    "serving.lease.ttl.ms=3000",
                    "--set",
                    "serving.rollout.file=" + rolloutFile,
                    "--set",
                    "serving.shadow.persist.ms=500");
            LOG.info("{}", out);
            String status = fleet.run(30, "status");
            assertThat(status).contains("r1 ", "r2 ", "r3 ", "ready=200", "haproxy 127.0.0.1:");
            float[][] rows = rows(64, 1);
            // Every fourth request carries one of 50 sticky keys (stickiness); the others a key of their own (split).
            java.util.function.IntFunction<String> keys = n -> n % 4 == 0 ? "sticky-" + (n / 4 % 50) : "u-" + n;
            try (LoadClients load = new LoadClients(fleet.balancerUrl(), token, "iris", CONNECTIONS, rows, keys)) {
                Thread.sleep(1500);

                // (a) production moves to version 2.
                long moved = System.nanoTime();
                store.setAlias("iris", "production", 2, 1, "release 2");
                Thread.sleep(3000);
                List<Answer> a = load.since(moved);
                assertNoFailures("(a) alias move", a);
                Map<String, Long> firstV2 = new TreeMap<>();
                Map<String, Long> lastV1Sent = new HashMap<>();
                for (Answer x : a) {
                    if (x.version() == 2) {
                        firstV2.merge(x.replica(), x.doneNanos(), Math::min);
                    } else {
                        lastV1Sent.merge(x.replica(), x.sentNanos(), Math::max);
                    }
                }
                assertThat(firstV2.keySet())
                        .as("replicas answering with version 2")
                        .containsExactly("r1", "r2", "r3");
                long converged = firstV2.values().stream()
                        .mapToLong(t -> (t - moved) / 1_000_000)
                        .max()
                        .orElseThrow();
                LOG.info("(a) every replica answered with version 2 within {} ms of the alias move", converged);
                assertThat(converged)
                        .as("convergence ms (poll %d + load)", POLL_MS)
                        .isLessThan(POLL_MS + 2500);
                for (Map.Entry<String, Long> e : lastV1Sent.entrySet()) {
                    // A version-1 answer to a request sent after that replica had answered with version 2 is a
                    // flip-back.
                    assertThat(e.getValue())
                            .as("replica %s flipped back to version 1", e.getKey())
                            .isLessThan(firstV2.get(e.getKey()));
                }

                // (b) rolling restart of all three replicas, one by one, each drained first.
                long rolling = System.nanoTime();
                LOG.info("{}", fleet.run(300, "restart"));
                List<Answer> b = load.since(rolling);
                assertNoFailures("(b) rolling restart", b);
                LOG.info(
                        "(b) rolling restart: {} requests, 0 failed, {} s",
                        b.size(),
                        (System.nanoTime() - rolling) / 1_000_000_000.0);
                assertThat(b).allMatch(x -> x.version() == 2);
                for (int i = 1; i <= 3; i++) {
                    assertThat(java.nio.file.Files.readString(state.resolve("r" + i + ".log")))
                            .as("replica %d drained on SIGTERM", i)
                            .contains("SIGTERM: draining");
                }

                // (c) SIGKILL of replica 2, then restart it.
                long killed = System.nanoTime();
                long killedPid = fleet.pid(2);
                assertThat(store.leases("iris"))
                        .as("the replica's own lease")
                        .anyMatch(l -> l.holder().endsWith("-" + killedPid) && l.activeAt(java.time.Instant.now()));
                ProcessHandle.of(killedPid).orElseThrow().destroyForcibly();
                Thread.sleep(1500);
                LOG.info("{}", fleet.run(300, "restart", "2"));
                Thread.sleep(1000);
                List<Answer> c = load.since(killed);
                // Leases are per replica: the killed one's lapses (TTL 3 s) while the others' stay renewed.
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> store.leases("iris").stream()
                                .filter(l -> l.holder().endsWith("-" + killedPid))
                                .noneMatch(l -> l.activeAt(java.time.Instant.now())));
                for (int i = 1; i <= 3; i++) {
                    long pid = fleet.pid(i);
                    assertThat(store.leases("iris"))
                            .as("active lease of replica %d (pid %d)", i, pid)
                            .anyMatch(l -> l.holder().endsWith("-" + pid) && l.activeAt(java.time.Instant.now()));
                }
                long failed = c.stream().filter(Answer::failed).count();
                LOG.info("(c) replica 2 SIGKILLed: {} requests, {} failed", c.size(), failed);
                // Only requests in flight on the killed replica may fail: at most one per connection.
                assertThat(failed).as("failed requests after a SIGKILL").isLessThanOrEqualTo(CONNECTIONS);
                assertThat(c.stream()
                                .filter(x -> !x.failed())
                                .map(Answer::replica)
                                .distinct())
                        .contains("r1", "r2", "r3");

                // (d) canary 10% -> 50% -> 100% (production is version 2, the canary version 3).
                Map<String, Integer> stickyVersion = new HashMap<>();
                for (int percent : new int[] {10, 50, 100}) {
                    java.nio.file.Files.writeString(rolloutFile, "iris.canary=@canary:" + percent + "\n");
                    awaitRollout(fleet, token, "canary", "percent", percent);
                    long step = System.nanoTime();
                    Thread.sleep(4000);
                    List<Answer> d = load.since(step);
                    assertNoFailures("(d) canary " + percent + "%", d);
                    List<Answer> unique =
                            d.stream().filter(x -> x.key().startsWith("u-")).toList();
                    double share = unique.stream().filter(x -> x.version() == 3).count() / (double) unique.size();
                    double p = percent / 100.0;
                    double tolerance = Math.max(0.03, 4 * Math.sqrt(p * (1 - p) / unique.size()));
                    LOG.info(
                            "(d) canary {}%: {} of {} requests with their own key on version 3 ({}), tolerance {}",
                            percent, Math.round(share * unique.size()), unique.size(), share, tolerance);
                    assertThat(share)
                            .as("canary share at %d%%", percent)
                            .isCloseTo(p, org.assertj.core.data.Offset.offset(tolerance));
                    Map<String, Integer> versions = new HashMap<>();
                    for (Answer x : d) {
                        if (x.key().startsWith("sticky-")) {
                            Integer was = versions.putIfAbsent(x.key(), x.version());
                            assertThat(was == null || was == x.version())
                                    .as("key %s sticks", x.key())
                                    .isTrue();
                            // Raising the weight only moves keys to the canary, never back.
                            Integer before = stickyVersion.get(x.key());
                            assertThat(before == null || before == 2 || x.version() == 3)
                                    .as("key %s went back from the canary", x.key())
                                    .isTrue();
                        }
                    }
                    stickyVersion.putAll(versions);
                }

                // (e) shadow at 100% on version 4 while the canary (version 3) answers everyone.
                java.nio.file.Files.writeString(rolloutFile, "iris.canary=@canary:100\niris.shadow=@shadow:1.0\n");
                awaitRollout(fleet, token, "shadow", "version", 4);
                long shadowStart = System.nanoTime();
                Thread.sleep(5000);
                java.nio.file.Files.writeString(rolloutFile, "iris.canary=@canary:100\n");
                awaitRollout(fleet, token, "canary", "percent", 100);
                List<Answer> e = load.since(shadowStart);
                assertNoFailures("(e) shadow", e);
                org.deeplearning4j.nn.multilayer.MultiLayerNetwork v3 = TestNetworks.classifier(3);
                org.deeplearning4j.nn.multilayer.MultiLayerNetwork v4 = TestNetworks.classifier(4);
                boolean[] agrees = new boolean[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    agrees[i] = argmax(v3, rows[i]) == argmax(v4, rows[i]);
                }
                double expected = e.stream().filter(x -> agrees[x.row()]).count() / (double) e.size();
                Thread.sleep(1500);
                dev.hearth.store.ShadowSummary.Pair merged = dev.hearth.store.ShadowSummary.merged(
                        new dev.hearth.store.hadoop.HadoopShadowSummaries(store.root(), new Configuration())
                                .read("iris"),
                        3,
                        4);
                assertThat(merged)
                        .as("merged shadow summary 3 -> 4 in the store")
                        .isNotNull();
                LOG.info(
                        "(e) shadow: {} requests answered, {} shadowed rows compared over the fleet, agreement {}"
                                + " (expected {} from the rows sent)",
                        e.size(),
                        merged.rows(),
                        merged.agreement(),
                        expected);
                assertThat(expected)
                        .as("versions 3 and 4 disagree on some rows")
                        .isLessThan(0.98);
                assertThat(merged.rows()).isGreaterThan(e.size() / 2);
                assertThat(merged.agreement()).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.03));
            }
        }
    }

    /** Version {@code seed} of iris: a 4-8-3 classifier over labels a, b, c (the seed also picks its weights). */
    static void publish(HadoopModelStore store, long seed) {
        TestNetworks.publish(
                store,
                "iris",
                ModelFiles.DL4J_MULTILAYER,
                TestNetworks.classification(),
                TestNetworks.classifier(seed));
    }

    static int argmax(org.deeplearning4j.nn.multilayer.MultiLayerNetwork net, float[] row) {
        float[][] x = {{row[0] / 10, row[1] / 10, row[2] / 10, row[3] / 10}};
        return net.output(org.nd4j.linalg.factory.Nd4j.create(x)).argMax(1).getInt(0);
    }

    /** Waits until every replica's rollout endpoint shows {@code target.field == value} (the file was re-read). */
    static void awaitRollout(FleetProcess fleet, String token, String target, String field, int value) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> {
                    for (int i = 1; i <= 3; i++) {
                        String body = client.send(
                                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                        fleet.replicaUrl(i) + "/v2/models/iris/rollout"))
                                                .header("Authorization", "Bearer " + token)
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString())
                                .body();
                        if (json.readTree(body).path(target).path(field).asInt(-1) != value) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    static void assertNoFailures(String phase, List<Answer> answers) {
        List<Answer> failed = answers.stream().filter(Answer::failed).toList();
        assertThat(failed)
                .as(
                        "%s: failed requests out of %d (first: %s)",
                        phase, answers.size(), failed.isEmpty() ? "" : failed.get(0))
                .isEmpty();
        assertThat(answers).as(phase + ": requests").hasSizeGreaterThan(50);
    }
}
