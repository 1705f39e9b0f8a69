package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access-control matrix (no token, wrong token, wrong scope, right scope, per endpoint kind), and tokens
 * changing under a running server: created, revoked, expired, a broken edit.
 */
class AuthTest {
    @TempDir
    static Path dir;

    private static TestServer server;
    private static String predictA;
    private static String predictAll;
    private static String readA;
    private static String readAll;
    private static String manage;
    private static Path tokens;

    @BeforeAll
    static void start() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "model-a", TestModels.network(1));
        TestModels.publish(store, "model-b", TestModels.network(2));
        tokens = dir.resolve("tokens");
        predictA = TokenFile.create(tokens, List.of("predict:model-a"));
        predictAll = TokenFile.create(tokens, List.of("predict:*"));
        readA = TokenFile.create(tokens, List.of("read:model-a"));
        readAll = TokenFile.create(tokens, List.of("read:*"));
        manage = TokenFile.create(tokens, List.of("manage"));
        server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.tokens.file=" + tokens,
                "serving.poll.interval.ms=0",
                "server.management.enabled=true");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int infer(String model, String token) throws Exception {
        return server.post("/v2/models/" + model + "/infer", TestServer.request("1", new float[] {1, 2, 3, 4}), token)
                .statusCode();
    }

    @Test
    void tokenFileHoldsOnlySaltedHashes() throws Exception {
        String file = Files.readString(tokens);
        for (String t : List.of(predictA, predictAll, readA, readAll, manage)) {
            assertThat(file).doesNotContain(t).doesNotContain(t.split("_", 3)[2]);
        }
        assertThat(Files.getPosixFilePermissions(tokens))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void healthIsOpen() throws Exception {
        assertThat(server.get("/v2/health/live", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/v2/health/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void inferenceMatrix() throws Exception {
        assertThat(infer("model-a", null)).isEqualTo(401);
        assertThat(infer("model-a", "hearth_000000000000_wrong")).isEqualTo(401);
        assertThat(infer("model-a", predictA.substring(0, predictA.length() - 1) + "x"))
                .isEqualTo(401);
        assertThat(infer("model-a", readA)).isEqualTo(403);
        assertThat(infer("model-b", predictA)).isEqualTo(403);
        assertThat(infer("model-a", manage)).isEqualTo(403);
        assertThat(infer("model-a", predictA)).isEqualTo(200);
        assertThat(infer("model-a", predictAll)).isEqualTo(200);
        assertThat(infer("model-b", predictAll)).isEqualTo(200);
        var basic = server.post("/v2/models/model-a/infer", "{}", null);
        assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void metadataMatrix() throws Exception {
        assertThat(server.get("/v2/models/model-a", null).statusCode()).isEqualTo(401);
        assertThat(server.get("/v2/models/model-a", predictA).statusCode()).isEqualTo(403);
        assertThat(server.get("/v2/models/model-b", readA).statusCode()).isEqualTo(403);
        assertThat(server.get("/v2/models/model-a", readA).statusCode()).isEqualTo(200);
        assertThat(server.get("/v2/models/model-b/versions/1", readAll).statusCode())
                .isEqualTo(200);
        assertThat(server.get("/metrics", readA).statusCode()).isEqualTo(403);
        assertThat(server.get("/metrics", readAll).statusCode()).isEqualTo(200);
        assertThat(server.get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(server.get("/v2", null).statusCode()).isEqualTo(401);
        assertThat(server.get("/v2", predictA).statusCode()).isEqualTo(200);
        assertThat(server.get("/openapi.json", "garbage").statusCode()).isEqualTo(401);
    }

    @Test
    void managementMatrix() throws Exception {
        assertThat(server.post("/v2/repository/models/model-b/load", "", null).statusCode())
                .isEqualTo(401);
        assertThat(server.post("/v2/repository/models/model-b/load", "", predictAll)
                        .statusCode())
                .isEqualTo(403);
        assertThat(server.post("/v2/repository/models/model-b/load", "", readAll)
                        .statusCode())
                .isEqualTo(403);
        assertThat(server.post("/v2/repository/models/model-b/load", "", manage).statusCode())
                .isEqualTo(200);
    }

    @Test
    void managementIsOffByDefault() throws Exception {
        try (TestServer plain = TestServer.start(
                manage,
                "store.root=" + dir.resolve("store"),
                "auth.tokens.file=" + tokens,
                "serving.poll.interval.ms=0",
                "serving.models=model-a")) {
            assertThat(plain.post("/v2/repository/models/model-a/load", "").statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void createAndRevokeTakeEffectWithoutRestart() throws Exception {
        String fresh = TokenFile.create(tokens, List.of("predict:model-a"));
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> infer("model-a", fresh) == 200);
        assertThat(TokenFile.revoke(tokens, fresh.split("_")[1])).isTrue();
        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> infer("model-a", fresh) == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(infer("model-a", predictA)).isEqualTo(200);
    }

    @Test
    void expiredTokensGet401() throws Exception {
        String expired =
                TokenFile.create(tokens, List.of("predict:*"), Instant.now().minusSeconds(1));
        String shortLived =
                TokenFile.create(tokens, List.of("predict:*"), Instant.now().plusSeconds(6));
        await().atMost(Duration.ofSeconds(5)).until(() -> infer("model-a", shortLived) == 200);
        var r = server.post("/v2/models/model-a/infer", TestServer.request("1", new float[] {1, 2, 3, 4}), expired);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("expired at");
        await().atMost(Duration.ofSeconds(10)).until(() -> infer("model-a", shortLived) == 401);
    }

    @Test
    void aBrokenEditWhileRunningKeepsTheTokensInForce() throws Exception {
        String good = Files.readString(tokens);
        try {
            Path other = dir.resolve("other-tokens");
            String lost = TokenFile.create(other, List.of("predict:*"));
            String lostLine = Files.readAllLines(other).get(1);
            Files.writeString(tokens, good + lostLine + "\nthis line is broken\n");
            Thread.sleep(5_000); // two checks past auth.tokens.reload.ms (2 s): the broken file has been looked at
            assertThat(infer("model-a", predictA)).isEqualTo(200);
            assertThat(infer("model-a", lost))
                    .as("a token from the unusable file")
                    .isEqualTo(401);
            assertThat(infer("model-a", predictAll)).isEqualTo(200);
        } finally {
            Files.writeString(tokens, good);
        }
    }

    @Test
    void aMalformedTokenFileIsRefusedAtStartNamingTheLine() throws Exception {
        Path bad = dir.resolve("bad-tokens");
        Files.writeString(bad, Files.readString(tokens).replaceFirst(" [0-9a-f]{64} ", " 0xBAD "));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(
                        null,
                        "store.root=" + dir.resolve("store"),
                        "auth.tokens.file=" + bad,
                        "serving.poll.interval.ms=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token file " + bad + " line 2: hash must be 64 lower-case hex digits");
    }

    @Test
    void serverRefusesToStartWithAuthButNoTokens() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(
                        null,
                        "store.root=" + dir.resolve("store"),
                        "auth.tokens.file=" + dir.resolve("none"),
                        "serving.poll.interval.ms=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bin/hearth tokens create");
    }
}
