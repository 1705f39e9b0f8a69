package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One JSON access-log line per request, with the token's id but never the token or the payload. */
class AccessLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void oneJsonLinePerRequestWithoutSecretsOrPayloads() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(3));
        String token = TokenFile.create(dir.resolve("tokens"), List.of("predict:iris"));
        List<String> lines;
        try (LogCapture access = LogCapture.of("dev.hearth.serving.access")) {
            try (TestServer server = TestServer.start(
                    token,
                    "store.root=" + store.root(),
                    "auth.tokens.file=" + dir.resolve("tokens"),
                    "serving.poll.interval.ms=0")) {
                assertThat(server.post("/v2/models/iris/infer", TestServer.infer("r", "[1,4]", "[1234.5678,2,3,4]"))
                                .statusCode())
                        .isEqualTo(200);
                assertThat(server.post("/v2/models/iris/infer", "{bad", token).statusCode())
                        .isEqualTo(400);
                assertThat(server.get("/v2/models/iris", "hearth_wrong_token").statusCode())
                        .isEqualTo(401);
            }
            lines = access.lines();
        }
        assertThat(lines).hasSize(3);
        JsonNode ok = JSON.readTree(lines.get(0));
        assertThat(ok.get("method").asText()).isEqualTo("POST");
        assertThat(ok.get("status").asInt()).isEqualTo(200);
        assertThat(ok.get("model").asText()).isEqualTo("iris");
        assertThat(ok.get("version").asText()).isEqualTo("1");
        assertThat(ok.get("rows").asInt()).isEqualTo(1);
        assertThat(ok.get("token_id").asText()).isNotBlank().isNotEqualTo(token);
        assertThat(ok.get("id").asText()).matches("[0-9a-f]{16}");
        assertThat(JSON.readTree(lines.get(1)).get("status").asInt()).isEqualTo(400);
        assertThat(JSON.readTree(lines.get(2)).get("status").asInt()).isEqualTo(401);
        assertThat(lines.stream()
                        .map(l -> l.replaceAll(".*\"id\":\"([0-9a-f]+)\".*", "$1"))
                        .distinct())
                .hasSize(3);
        String all = String.join("\n", lines);
        assertThat(all)
                .doesNotContain(token)
                .doesNotContain(token.split("_", 3)[2])
                .doesNotContain("hearth_wrong_token")
                .doesNotContain("1234.5678");
    }

    @Test
    void callerChosenFieldsAreBoundedAndEscaped() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(3));
        // A model name with a line break, a quote, a fake JSON field and non-ASCII text, 3,000 characters long.
        String name = "x%0A%22,%22status%22:200,%22forged%22:%22%C3%A9%E2%80%A8" + "a".repeat(3000);
        String agent = "agent-" + "b".repeat(2000);
        try (LogCapture access = LogCapture.of("dev.hearth.serving.access");
                TestServer server = TestServer.start(
                        null, "store.root=" + store.root(), "auth.enabled=false", "serving.poll.interval.ms=0")) {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/" + name + "/ready"))
                                    .header("User-Agent", agent)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            await().atMost(Duration.ofSeconds(10)).until(() -> !access.lines().isEmpty());
            String raw = access.lines().get(0);
            // One line, plain ASCII: no raw line breaks, separators or other text a log viewer could misread.
            assertThat(raw)
                    .doesNotContain("\n")
                    .doesNotContain("\r")
                    .doesNotContain("\u2028")
                    .matches("[\\x20-\\x7e]+");
            assertThat(raw.length()).isLessThan(1200);
            JsonNode line = JSON.readTree(raw);
            assertThat(line.has("forged")).isFalse();
            assertThat(line.get("status").asInt()).isEqualTo(400);
            String model = line.get("model").asText();
            assertThat(model)
                    .startsWith("x\n\",\"status\":200,\"forged\":\"\u00e9\u2028aaa")
                    .endsWith("more chars)");
            assertThat(model.length()).isLessThanOrEqualTo(AccessLog.MAX_MODEL + 30);
            assertThat(line.get("path").asText().length()).isLessThanOrEqualTo(AccessLog.MAX_PATH + 30);
            assertThat(line.get("user_agent").asText())
                    .startsWith("agent-bbb")
                    .endsWith("more chars)")
                    .hasSizeLessThanOrEqualTo(AccessLog.MAX_USER_AGENT + 30);
        }
    }
}
