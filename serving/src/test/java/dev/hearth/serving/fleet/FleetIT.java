package dev.hearth.serving.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.fleet.LoadClients.Answer;
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
 * replica SIGKILLed and restarted: only requests in flight on it may fail. Sized for 2 cores (short phases, 6
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
        TestModels.publish(store, "iris", TestModels.network(1));
        TestModels.publish(store, "iris", TestModels.network(2));
        store.setAlias("iris", "production", 1, null, "first");
        Path tokens = dir.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("predict:*", "read:*"));
        Path state = dir.resolve("fleet");
        java.nio.file.Files.createDirectories(state);
        try (FleetProcess fleet = new FleetProcess(state, 3, "384m")) {
            String out = fleet.run(300, "start", "3", "--store", store.root(), "--set", "serving.models=iris@production",
                    "--set", "serving.poll.interval.ms=" + POLL_MS, "--set", "auth.tokens.file=" + tokens,
                    "--set", "server.drain.ms=1500", "--set", "server.access.log=false",
                    "--set", "serving.lease.ttl.ms=3000");
            LOG.info("{}", out);
            try (LoadClients load = new LoadClients(fleet.balancerUrl(), token, CONNECTIONS, rows(64, 1), null)) {
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
                assertThat(firstV2.keySet()).as("replicas answering with version 2").containsExactly("r1", "r2", "r3");
                long converged = firstV2.values().stream().mapToLong(t -> (t - moved) / 1_000_000).max().orElseThrow();
                LOG.info("(a) every replica answered with version 2 within {} ms of the alias move", converged);
                assertThat(converged).as("convergence ms (poll %d + load)", POLL_MS).isLessThan(POLL_MS + 2500);
                for (Map.Entry<String, Long> e : lastV1Sent.entrySet()) {
                    // A version-1 answer to a request sent after that replica had answered with version 2 is a flip-back.
                    assertThat(e.getValue()).as("replica %s flipped back to version 1", e.getKey())
                            .isLessThan(firstV2.get(e.getKey()));
                }

                // (b) rolling restart of all three replicas, one by one, each drained first.
                long rolling = System.nanoTime();
                LOG.info("{}", fleet.run(300, "restart"));
                List<Answer> b = load.since(rolling);
                assertNoFailures("(b) rolling restart", b);
                LOG.info("(b) rolling restart: {} requests, 0 failed, {} s", b.size(),
                        (System.nanoTime() - rolling) / 1_000_000_000.0);
                assertThat(b).allMatch(x -> x.version() == 2);
                for (int i = 1; i <= 3; i++) {
                    assertThat(java.nio.file.Files.readString(state.resolve("r" + i + ".log")))
                            .as("replica %d drained on SIGTERM", i).contains("SIGTERM: draining");
                }

                // (c) SIGKILL of replica 2, then restart it.
                long killed = System.nanoTime();
                ProcessHandle.of(fleet.pid(2)).orElseThrow().destroyForcibly();
                Thread.sleep(1500);
                LOG.info("{}", fleet.run(300, "restart", "2"));
                Thread.sleep(1000);
                List<Answer> c = load.since(killed);
                long failed = c.stream().filter(Answer::failed).count();
                LOG.info("(c) replica 2 SIGKILLed: {} requests, {} failed", c.size(), failed);
                // Only requests in flight on the killed replica may fail: at most one per connection.
                assertThat(failed).as("failed requests after a SIGKILL").isLessThanOrEqualTo(CONNECTIONS);
                assertThat(c.stream().filter(x -> !x.failed()).map(Answer::replica).distinct())
                        .contains("r1", "r2", "r3");
            }
        }
    }

    static void assertNoFailures(String phase, List<Answer> answers) {
        List<Answer> failed = answers.stream().filter(Answer::failed).toList();
        assertThat(failed).as("%s: failed requests out of %d (first: %s)", phase, answers.size(),
                failed.isEmpty() ? "" : failed.get(0)).isEmpty();
        assertThat(answers).as(phase + ": requests").hasSizeGreaterThan(50);
    }
}
