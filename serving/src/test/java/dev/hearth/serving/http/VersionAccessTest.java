package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference on a version the server does not serve (a full load on demand): refused by default (naming
 * {@code serving.versions.on.demand}); when on, it needs {@code read:<model>} besides {@code predict}. The served
 * version answers on its numbered path with predict alone. Real servers, real client, real tokens.
 */
class VersionAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = TestServer.request("v", new float[] {1, 2, 3, 4});

    @TempDir
    static Path dir;

    private static TestServer onDemand;
    private static TestServer byDefault;
    private static String predictOnly;
    private static String predictAndRead;
    private static String predictAllReadOther;

    @BeforeAll
    static void start() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        TestModels.publish(store, "iris", TestModels.network(2));
        TestModels.publish(store, "other", TestModels.network(3));
        Path tokens = dir.resolve("tokens");
        predictOnly = TokenFile.create(tokens, List.of("predict:iris"));
        predictAndRead = TokenFile.create(tokens, List.of("predict:iris", "read:iris"));
        predictAllReadOther = TokenFile.create(tokens, List.of("predict:*", "read:other"));
        String[] common = {
            "store.root=" + store.root(),
            "auth.tokens.file=" + tokens,
            "serving.poll.interval.ms=0",
            "serving.models=iris,other"
        };
        onDemand = TestServer.start(null, append(common, "serving.versions.on.demand=true"));
        byDefault = TestServer.start(null, common);
    }

    private static String[] append(String[] a, String s) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = s;
        return out;
    }

    @AfterAll
    static void stop() {
        onDemand.close();
        byDefault.close();
    }

    private static HttpResponse<String> infer(TestServer server, int version, String token) throws Exception {
        return server.post("/v2/models/iris/versions/" + version + "/infer", REQUEST, token);
    }

    private static String servedVersion(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("model_version").asText();
    }

    @Test
    void anUnservedVersionNeedsTheReadScopeAsWell() throws Exception {
        for (String token : new String[] {predictOnly, predictAllReadOther}) {
            HttpResponse<String> r = infer(onDemand, 1, token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(r.body()).contains("lacks scope 'read:iris'", "a version this server does not serve");
        }
        // Unknown versions get the same answer: without read, nothing about the store is revealed.
        assertThat(infer(onDemand, 99, predictOnly).statusCode()).isEqualTo(403);
        assertThat(servedVersion(infer(onDemand, 1, predictAndRead))).isEqualTo("1");
        assertThat(infer(onDemand, 99, predictAndRead).statusCode()).isEqualTo(404);
        // The scope is still checked before anything else: no token, no inference.
        assertThat(infer(onDemand, 1, null).statusCode()).isEqualTo(401);
        assertThat(infer(onDemand, 1, TokenFile.create(dir.resolve("tokens2"), List.of("read:iris")))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theServedVersionNeedsOnlyPredict() throws Exception {
        assertThat(servedVersion(infer(onDemand, 2, predictOnly))).isEqualTo("2");
        assertThat(servedVersion(infer(byDefault, 2, predictOnly))).isEqualTo("2");
        assertThat(servedVersion(onDemand.post("/v2/models/iris/infer", REQUEST, predictOnly)))
                .isEqualTo("2");
    }

    @Test
    void byDefaultUnservedVersionsAreNotLoaded() throws Exception {
        for (int version : new int[] {1, 99}) {
            HttpResponse<String> r = infer(byDefault, version, predictAndRead);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(JSON.readTree(r.body()).get("error").asText())
                    .contains("version " + version + " of 'iris' is not served here")
                    .contains("serving.versions.on.demand=true");
        }
        HttpResponse<String> ready = byDefault.get("/v2/models/iris/versions/1/ready", predictAndRead);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("serving.versions.on.demand=true");
        assertThat(byDefault
                        .get("/v2/models/iris/versions/2/ready", predictAndRead)
                        .statusCode())
                .isEqualTo(200);
        assertThat(onDemand.get("/v2/models/iris/versions/1/ready", predictAndRead)
                        .statusCode())
                .isEqualTo(200);
    }
}
