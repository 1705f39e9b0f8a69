package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.TestKeystore;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted versions over HTTP with a real jceks keystore: a server holding the key serves them (also after a key
 * roll, a rekey and the retirement of the old key version); a server without the key refuses the encrypted version
 * with a message naming the key, keeps serving the plaintext version it had, and {@code /v2/models/{m}} says why.
 */
class EncryptedVersionIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void onlyAServerWithTheKeyServesEncryptedVersions() throws Exception {
        TestKeystore keys = new TestKeystore(dir);
        keys.create("models", 256);
        String provider = keys.uri();

        String root = dir.resolve("store").toString();
        TestModels.publish(HadoopModelStore.open(root, new Configuration()), "iris", TestModels.network(1));
        HadoopModelStore store = HadoopModelStore.open(root, keys.conf("models"));

        String request = TestServer.request("c", new float[] {1, 2, 3, 4});
        try (TestServer withKey = TestServer.start(
                        null,
                        "store.root=" + root,
                        "auth.enabled=false",
                        "serving.poll.interval.ms=100",
                        "serving.versions.on.demand=true",
                        "store.encryption.key.provider=" + provider);
                TestServer withoutKey = TestServer.start(
                        null, "store.root=" + root, "auth.enabled=false", "serving.poll.interval.ms=100")) {
            assertThat(version(withoutKey.post("/v2/models/iris/infer", request).body()))
                    .isEqualTo(1);
            TestModels.publish(store, "iris", TestModels.network(2));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> version(withKey.post("/v2/models/iris/infer", request)
                                    .body())
                            == 2);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> JSON.readTree(withoutKey.get("/v2/models/iris").body())
                            .get("parameters")
                            .get("serving")
                            .get("refused_versions")
                            .has("2"));
            assertThat(version(withoutKey.post("/v2/models/iris/infer", request).body()))
                    .isEqualTo(1);
            JsonNode status = JSON.readTree(withoutKey.get("/v2/models/iris").body())
                    .get("parameters")
                    .get("serving");
            assertThat(status.get("served_version").asText()).isEqualTo("1");
            String why = status.get("refused_versions").get("2").asText();
            assertThat(why)
                    .contains("cannot read iris/2", "master key 'models'", "models@0", EncryptionSettings.KEY_PROVIDER)
                    .doesNotContain("Exception:", "\tat ");
            assertThat(withoutKey.get("/metrics").body())
                    .contains("hearth_model_load_failures_total{model=\"iris\",reason=\"key\"} 1.0");

            // Rotate: roll the master key, re-wrap every version, retire the old key version, publish again.
            keys.roll("models");
            store.listVersions("iris").forEach(v -> store.rekey(v, "rotation"));
            keys.retire("models@0");
            TestModels.publish(store, "iris", TestModels.network(3));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> version(withKey.post("/v2/models/iris/infer", request)
                                    .body())
                            == 3);
            // Version 2, re-keyed, loads with the new key version only (models@0 is gone from the keystore).
            var v2 = withKey.post("/v2/models/iris/versions/2/infer", request);
            assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
            assertThat(version(withoutKey.post("/v2/models/iris/infer", request).body()))
                    .isEqualTo(1);
        }
    }

    private static int version(String body) throws Exception {
        return JSON.readTree(body).get("model_version").asInt();
    }
}
