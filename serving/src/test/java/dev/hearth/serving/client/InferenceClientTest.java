package dev.hearth.serving.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OIP v2 client against a real server on a loopback port, with real bearer tokens. */
class InferenceClientTest {
    @TempDir
    static Path dir;

    private static TestServer server;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(3));
        Path tokens = dir.resolve("tokens");
        token = TokenFile.create(tokens, List.of("predict:iris", "read:iris"));
        server = TestServer.start(
                token, "store.root=" + store.root(), "auth.tokens.file=" + tokens, "serving.poll.interval.ms=0");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static InferenceClient client() {
        return InferenceClient.builder(server.url()).optToken(token).build();
    }

    @Test
    void infersRowsAndNamedTensorsAndReadsTheOutputs() {
        InferResponse r = client().infer("iris", new float[] {1, 2, 3, 4}, new float[] {5.1f, 3.5f, 1.4f, 0.2f});
        assertThat(r.modelName()).isEqualTo("iris");
        assertThat(r.modelVersion()).isEqualTo("1");
        assertThat(r.output("label").strings())
                .hasSize(2)
                .allSatisfy(l -> assertThat(l).isIn("a", "b", "c"));
        assertThat(r.output("probabilities").shape()).containsExactly(2, 3);
        float[] p = r.output("probabilities").floats();
        assertThat(p[0] + p[1] + p[2]).isBetween(0.99f, 1.01f);

        InferRequest named =
                new InferRequest("req-7", List.of(new Tensor("input", new long[] {1, 4}, new float[] {1, 2, 3, 4})));
        InferResponse same = client().inferVersion("iris", 1, named);
        assertThat(same.id()).isEqualTo("req-7");
        assertThat(same.output("label").strings())
                .containsExactly(r.output("label").strings().get(0));
    }

    @Test
    void metadataAndReadiness() {
        JsonNode meta = client().metadata("iris");
        assertThat(meta.path("name").asText()).isEqualTo("iris");
        assertThat(meta.path("inputs").get(0).path("name").asText()).isEqualTo("input");
        assertThat(client().ready()).isTrue();
        assertThat(client().modelReady("iris")).isTrue();
    }

    @Test
    void errorsCarryTheStatusAndTheServersMessage() {
        InferenceClient anonymous = InferenceClient.builder(server.url()).build();
        assertThatThrownBy(() -> anonymous.infer("iris", new float[] {1, 2, 3, 4}))
                .isInstanceOfSatisfying(
                        InferenceException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("POST " + server.url() + "/v2/models/iris/infer answered HTTP 401: ");
        assertThatThrownBy(() -> client().infer("iris", new float[] {1, 2, 3}))
                .isInstanceOfSatisfying(InferenceException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.serverMessage()).contains("4");
                });
        assertThatThrownBy(() -> client().metadata("nope"))
                .isInstanceOfSatisfying(
                        InferenceException.class, e -> assertThat(e.status()).isIn(403, 404));
        assertThatThrownBy(() ->
                        InferenceClient.builder("http://127.0.0.1:1").build().ready())
                .isInstanceOfSatisfying(
                        InferenceException.class, e -> assertThat(e.status()).isZero());
    }

    @Test
    void aResponseOverTheLimitIsRefused() {
        InferenceClient small = InferenceClient.builder(server.url())
                .optToken(token)
                .optMaxResponseBytes(64)
                .build();
        assertThatThrownBy(() -> small.infer("iris", new float[] {1, 2, 3, 4}))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("limit of 64");
    }

    @Test
    void badArgumentsNameTheFieldAndTheRule() {
        assertThatThrownBy(() -> InferenceClient.builder("127.0.0.1:8080"))
                .hasMessageContaining("baseUrl '127.0.0.1:8080' must be http(s)://host:port");
        assertThatThrownBy(() -> new Tensor("input", new long[] {2, 4}, new float[4]))
                .hasMessageContaining("tensor 'input' shape [2, 4] needs 8 values but has 4");
        assertThatThrownBy(() -> InferRequest.ofRows("x", new float[] {1, 2}, new float[] {1}))
                .hasMessageContaining("row 1 has 1 values but row 0 has 2");
        assertThat(InferRequest.ofRows("x", new float[] {255, 0.5f}).toJson())
                .isEqualTo(
                        "{\"id\":\"x\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[255,0.5]}]}");
    }
}
