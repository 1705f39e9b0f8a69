package dev.hearth.serving.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.ShadowSummary;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.hadoop.HadoopShadowSummaries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One real server with a rollout file: the canary split by routing key (sticky, near its weight, changed by editing
 * the file without a restart), the answering version in body and header, and shadow runs whose reported agreement
 * equals the agreement of the two networks on the rows sent, persisted to the store.
 */
class RolloutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static HttpResponse<String> infer(HttpClient client, String url, String token, String key, float[] row)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/v2/models/iris/infer"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.infer(
                        "r", "[1,4]", "[" + row[0] + "," + row[1] + "," + row[2] + "," + row[3] + "]")));
        if (key != null) {
            b.header(Routing.KEY_HEADER, key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int argmax(MultiLayerNetwork net, float[] row) {
        INDArray x = Nd4j.create(new float[][] {{row[0] / 10, row[1] / 10, row[2] / 10, row[3] / 10}});
        return net.output(x).argMax(1).getInt(0);
    }

    @Test
    void canarySplitsByKeyAndShadowAgreementMatchesTheNetworks() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        for (int i = 1; i <= 3; i++) {
            TestModels.publish(store, "iris", TestModels.network(i));
        }
        store.setAlias("iris", "production", 1, null, "p");
        store.setAlias("iris", "canary", 2, null, "c");
        store.setAlias("iris", "shadow", 3, null, "s");
        Path rollout = dir.resolve("rollout.properties");
        Files.writeString(rollout, "iris.canary=@canary:30\n");
        String token = TokenFile.create(dir.resolve("tokens"), List.of("predict:*", "read:*"));
        HttpClient client = HttpClient.newHttpClient();
        try (TestServer server = TestServer.start(
                token,
                "store.root=" + store.root(),
                "auth.tokens.file=" + dir.resolve("tokens"),
                "serving.models=iris@production",
                "serving.poll.interval.ms=100",
                "serving.rollout.file=" + rollout,
                "server.replica.id=unit",
                "serving.shadow.persist.ms=200",
                "server.access.log=false")) {
            float[] row = {1, 2, 3, 4};
            Map<String, Integer> first = new HashMap<>();
            int canary = 0;
            for (int i = 0; i < 1000; i++) {
                String key = "caller-" + (i % 200);
                HttpResponse<String> r = infer(client, server.url(), token, key, row);
                assertThat(r.statusCode()).isEqualTo(200);
                int v = Integer.parseInt(
                        JSON.readTree(r.body()).get("model_version").asText());
                assertThat(r.headers().firstValue(Routing.VERSION_HEADER)).hasValue(Integer.toString(v));
                assertThat(v).isIn(1, 2);
                Integer was = first.putIfAbsent(key, v);
                assertThat(was == null || was == v)
                        .as("caller %s sticks to one version", key)
                        .isTrue();
                canary += v == 2 ? 1 : 0;
            }
            // 200 keys: the share of keys in a 30% canary has a standard deviation of ~3.2 points.
            assertThat(canary / 1000.0).isBetween(0.18, 0.42);

            // Moving the canary alias changes what the canary callers get, without a restart.
            String canaryKey = first.entrySet().stream()
                    .filter(e -> e.getValue() == 2)
                    .findFirst()
                    .orElseThrow()
                    .getKey();
            store.setAlias("iris", "canary", 3, 2, "next candidate");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> JSON.readTree(infer(client, server.url(), token, canaryKey, row)
                                            .body())
                                    .get("model_version")
                                    .asInt()
                            == 3);

            // Weights change by editing the file: 0% sends everyone back to production, without a restart.
            Files.writeString(rollout, "iris.canary=@canary:0\niris.shadow=@shadow:1.0\n");
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            JSON.readTree(server.get("/v2/models/iris/rollout").body())
                                            .path("shadow")
                                            .path("version")
                                            .asInt()
                                    == 3);
            MultiLayerNetwork v1 = TestModels.network(1);
            MultiLayerNetwork v3 = TestModels.network(3);
            Random random = new Random(5);
            int sent = 400;
            int agreeing = 0;
            for (int i = 0; i < sent; i++) {
                float[] x = {
                    random.nextFloat() * 10, random.nextFloat() * 10, random.nextFloat() * 10, random.nextFloat() * 10
                };
                HttpResponse<String> r = infer(client, server.url(), token, "k" + i, x);
                assertThat(JSON.readTree(r.body()).get("model_version").asText())
                        .isEqualTo("1");
                agreeing += argmax(v1, x) == argmax(v3, x) ? 1 : 0;
            }
            double expected = agreeing / (double) sent;
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            JSON.readTree(server.get("/v2/models/iris/rollout").body())
                                            .path("shadow_pairs")
                                            .path(0)
                                            .path("rows")
                                            .asInt()
                                    == sent);
            JsonNode body = JSON.readTree(server.get("/v2/models/iris/rollout").body());
            JsonNode pair = body.get("shadow_pairs").get(0);
            assertThat(pair.get("primary").asInt()).isEqualTo(1);
            assertThat(pair.get("shadow").asInt()).isEqualTo(3);
            assertThat(pair.get("agreement").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.01));
            assertThat(expected).as("the two networks disagree on some rows").isLessThan(0.99);
            assertThat(server.get("/metrics").body()).contains("hearth_shadow_agreement{model=\"iris\",primary=\"1\"");
            // Persisted under this replica's name; the endpoint merges the store's files.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                ShadowSummary.Pair p = ShadowSummary.merged(
                        new HadoopShadowSummaries(store.root(), new Configuration()).read("iris"), 1, 3);
                return p != null && p.rows() == sent;
            });
            assertThat(JSON.readTree(server.get("/v2/models/iris/rollout").body())
                            .get("fleet_replicas")
                            .toString())
                    .isEqualTo("[\"unit\"]");
        }
    }
}
