package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newly committed version with one flipped byte in its model file is not served: the previous version keeps
 * answering, and metadata, readiness, metrics and the version's readiness say why. A later good version is
 * swapped in as usual.
 */
class CorruptedVersionIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void corruptedVersionIsRefusedAndThePreviousKeepsServing() throws Exception {
        HadoopModelStore store = TestModels.localStore(dir);
        TestModels.publish(store, "iris", TestModels.network(1));
        // Version 2 is prepared (and corrupted) in a scratch store, then committed into the served store with one
        // atomic rename, so the server can only ever see the corrupted bytes.
        HadoopModelStore scratch = HadoopModelStore.open(dir.resolve("scratch").toString(), new Configuration());
        TestModels.publish(scratch, "iris", TestModels.network(1));
        ModelVersion bad = TestModels.publish(scratch, "iris", TestModels.network(2));
        Path badDir = Path.of(URI.create(bad.location()));
        Path modelZip = badDir.resolve("model.zip");
        byte[] bytes = Files.readAllBytes(modelZip);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(modelZip, bytes);

        String request = TestServer.request("c", new float[] {1, 2, 3, 4});
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=100",
                "serving.versions.on.demand=true")) {
            Path versions = dir.resolve("store")
                    .resolve(dir.resolve("scratch").relativize(badDir))
                    .getParent();
            // Claim the version number in the served store too, as publishing would have.
            Files.copy(dir.resolve("scratch/iris/ids/2"), dir.resolve("store/iris/ids/2"));
            Path staging = versions.resolve("incoming");
            copy(badDir, staging);
            Files.move(staging, versions.resolve(badDir.getFileName()));

            await().atMost(Duration.ofMinutes(1))
                    .until(() -> JSON.readTree(server.get("/v2/models/iris").body())
                            .get("parameters")
                            .get("serving")
                            .get("refused_versions")
                            .has("2"));

            JsonNode answer =
                    JSON.readTree(server.post("/v2/models/iris/infer", request).body());
            assertThat(answer.get("model_version").asText()).isEqualTo("1");
            JsonNode status = JSON.readTree(server.get("/v2/models/iris").body())
                    .get("parameters")
                    .get("serving");
            assertThat(status.get("served_version").asText()).isEqualTo("1");
            assertThat(status.get("refused_versions").get("2").asText()).contains("SHA-256");
            assertThat(status.get("problem").asText()).contains("SHA-256");
            assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
            var versionReady = server.get("/v2/models/iris/versions/2/ready");
            assertThat(versionReady.statusCode()).isEqualTo(503);
            assertThat(versionReady.body()).contains("SHA-256");
            var direct = server.post("/v2/models/iris/versions/2/infer", request);
            assertThat(direct.statusCode()).isEqualTo(503);
            assertThat(direct.body()).contains("not served");
            assertThat(server.get("/metrics").body())
                    .contains("hearth_model_load_failures_total{model=\"iris\",reason=\"integrity\"} 1.0");

            TestModels.publish(store, "iris", TestModels.network(3));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> JSON.readTree(server.post("/v2/models/iris/infer", request)
                                            .body())
                                    .get("model_version")
                                    .asInt()
                            == 3);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(p -> {
                try {
                    Files.copy(p, to.resolve(from.relativize(p).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
