package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open health endpoints say which models are not ready but never why in detail: no store paths, file names
 * or exception messages. Callers with the model's read scope get the details from its metadata.
 */
class HealthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void healthAnswersCarryNoStorePathsOrFailureDetails() throws Exception {
        Path root = dir.resolve("store");
        HadoopModelStore store = HadoopModelStore.open(root.toString(), new Configuration());
        TestModels.publish(store, "good", TestModels.network(1));
        ModelVersion bad = TestModels.publish(store, "broken", TestModels.network(2));
        Path zip = Path.of(URI.create(bad.location())).resolve("model.zip");
        byte[] bytes = Files.readAllBytes(zip);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(zip, bytes);
        String token = TokenFile.create(dir.resolve("tokens"), List.of("read:*"));
        try (TestServer server = TestServer.start(
                token,
                "store.root=" + store.root(),
                "auth.tokens.file=" + dir.resolve("tokens"),
                "serving.models=good,broken,ghost",
                "serving.poll.interval.ms=0")) {
            HttpResponse<String> ready = server.get("/v2/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.get("ready").asBoolean()).isFalse();
            assertThat(body.get("not_ready").toString()).isEqualTo("[\"broken\",\"ghost\"]");
            assertThat(body.get("error").asText()).contains("broken", "ghost");
            HttpResponse<String> live = server.get("/v2/health/live", null);
            assertThat(live.statusCode()).isEqualTo(200);
            HttpResponse<String> denied = server.get("/v2/models/broken", null);
            assertThat(denied.statusCode()).isEqualTo(401);
            for (HttpResponse<String> open : List.of(ready, live, denied)) {
                assertThat(open.body())
                        .as(open.uri().toString())
                        .doesNotContain(root.toString())
                        .doesNotContain(dir.toString())
                        .doesNotContain("file:")
                        .doesNotContain("SHA-256")
                        .doesNotContain("model.zip")
                        .doesNotContain("Exception");
            }

            // With read scope, the model's metadata explains.
            JsonNode broken = JSON.readTree(server.get("/v2/models/broken").body());
            assertThat(broken.get("parameters").get("serving").get("problem").asText())
                    .contains("SHA-256");
            JsonNode ghost = JSON.readTree(server.get("/v2/models/ghost").body());
            assertThat(ghost.get("parameters").get("serving").get("problem").asText())
                    .contains("cannot resolve");
        }
    }
}
