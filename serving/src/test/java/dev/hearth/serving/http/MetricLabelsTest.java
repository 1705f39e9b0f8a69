package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests naming models the server does not serve, with no token, a wrong token or a valid one, create no new
 * metric series: /metrics has the same lines before and after hundreds of them.
 */
class MetricLabelsTest {
    @TempDir
    static Path dir;

    private static TestServer server;
    private static String token;
    private final Random random = new Random(14);

    @BeforeAll
    static void start() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        token = TokenFile.create(dir.resolve("tokens"), List.of("read:*", "predict:*"));
        server = TestServer.start(
                token,
                "store.root=" + store.root(),
                "auth.tokens.file=" + dir.resolve("tokens"),
                "serving.poll.interval.ms=0",
                "server.access.log=false");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String randomName() {
        return "m" + Long.toHexString(random.nextLong());
    }

    /** Requests without a token (or with a wrong one), each to a new model name or path. */
    private void anonymous(int n) throws Exception {
        String req = TestServer.request("x", new float[] {1, 2, 3, 4});
        for (int i = 0; i < n; i++) {
            String name = randomName();
            int status = switch (i % 4) {
                case 0 -> server.get("/v2/models/" + name + "/ready", null).statusCode();
                case 1 ->
                    server.post("/v2/models/" + name + "/infer", req, null).statusCode();
                case 2 ->
                    server.get("/v2/models/" + name + "/versions/" + i + "/ready", "hearth_x_y")
                            .statusCode();
                default -> server.get("/no/such/" + name, null).statusCode();
            };
            assertThat(status).isIn(401, 404);
        }
    }

    /** Requests with a valid token to models this server does not serve (unknown and invalid names). */
    private void authenticatedUnknown(int n) throws Exception {
        String req = TestServer.request("x", new float[] {1, 2, 3, 4});
        for (int i = 0; i < n; i++) {
            String name = randomName();
            int status = switch (i % 5) {
                case 0 -> server.get("/v2/models/" + name + "/ready").statusCode();
                case 1 -> server.post("/v2/models/" + name + "/infer", req).statusCode();
                case 2 ->
                    server.post("/v2/models/" + name + "/versions/" + (i + 1) + "/infer", req)
                            .statusCode();
                case 3 ->
                    server.post("/v1/models/" + name + ":predict", "{\"instances\":[[1,2,3,4]]}")
                            .statusCode();
                default -> server.get("/v2/models/Bad%20Name" + name).statusCode();
            };
            assertThat(status).isIn(400, 404);
        }
    }

    private static List<String> scrape() throws Exception {
        var r = server.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().lines().toList();
    }

    /** The series in a scrape: each sample line without its value. */
    private static Set<String> series(List<String> lines) {
        Set<String> out = new TreeSet<>();
        for (String l : lines) {
            if (!l.startsWith("#") && !l.isBlank()) {
                out.add(l.substring(0, l.lastIndexOf(' ')));
            }
        }
        return out;
    }

    @Test
    void unknownModelNamesAddNoSeries() throws Exception {
        assertThat(server.post("/v2/models/iris/infer", TestServer.request("ok", new float[] {1, 2, 3, 4}))
                        .statusCode())
                .isEqualTo(200);
        // One round of each kind first, so the shared labels (model="_other", each endpoint and status) exist.
        anonymous(8);
        authenticatedUnknown(10);
        scrape();
        List<String> before = scrape();

        anonymous(300);
        authenticatedUnknown(300);

        List<String> after = scrape();
        assertThat(series(after)).isEqualTo(series(before));
        assertThat(after).hasSameSizeAs(before);
        String text = String.join("\n", after);
        assertThat(text)
                .contains("model=\"iris\"")
                .contains("model=\"" + "_other" + "\"")
                .doesNotContain("model=\"m")
                .doesNotContain("Bad");
    }
}
