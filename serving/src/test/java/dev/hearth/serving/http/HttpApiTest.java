package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.Settings;
import dev.hearth.serving.ModelServer;
import dev.hearth.serving.RunningServer;
import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.TestModels;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** A real server on a free loopback port, a real HTTP client, a real (small) DL4J model from a real store. */
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    private static RunningServer server;
    private static MultiLayerNetwork network;
    private static String base;

    @BeforeAll
    static void start() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        network = TestModels.network(7);
        TestModels.publish(store, "iris", network);
        Settings settings = ServingSettings.loader()
                .load(
                        null,
                        List.of(
                                "server.port=0",
                                "store.root=" + store.root(),
                                "server.max.body.bytes=4096",
                                "auth.enabled=false",
                                "serving.poll.interval.ms=0"));
        server = ModelServer.start(settings);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String infer(String shape, String data) {
        return "{\"id\":\"r1\",\"inputs\":[{\"name\":\"input\",\"shape\":" + shape + ",\"datatype\":\"FP32\",\"data\":"
                + data + "}]}";
    }

    @Test
    void healthEndpointsAnswer() throws Exception {
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/v2/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("ready").asBoolean()).isTrue();
    }

    @Test
    void inferReturnsProbabilitiesPerRowThatSumToOneAndMatchTheNetwork() throws Exception {
        HttpResponse<String> r = post("/v2/models/iris/infer", infer("[2,4]", "[[1,2,3,4],[10,0,5,2.5]]"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("model_name").asText()).isEqualTo("iris");
        assertThat(body.get("model_version").asText()).isEqualTo("1");
        assertThat(body.get("id").asText()).isEqualTo("r1");
        JsonNode probs = body.get("outputs").get(0);
        assertThat(probs.get("name").asText()).isEqualTo("probabilities");
        assertThat(JSON.convertValue(probs.get("shape"), int[].class)).containsExactly(2, 3);
        float[] p = JSON.convertValue(probs.get("data"), float[].class);
        assertThat(p).hasSize(6);
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(p[3] + p[4] + p[5]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        // The server applies the stored min-max normaliser ([0,10] -> [0,1]) before the forward pass.
        float[] expected = network.output(Nd4j.create(
                        new float[] {0.1f, 0.2f, 0.3f, 0.4f, 1f, 0f, 0.5f, 0.25f}, new long[] {2, 4}, DataType.FLOAT))
                .data()
                .asFloat();
        assertThat(p).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
        JsonNode labels = body.get("outputs").get(1);
        assertThat(labels.get("name").asText()).isEqualTo("label");
        assertThat(labels.get("data")).hasSize(2);
    }

    @Test
    void flatDataAndOutputSelectionWork() throws Exception {
        String req = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[1,2,3,4]}],"
                + "\"outputs\":[{\"name\":\"label\"}]}";
        HttpResponse<String> r = post("/v2/models/iris/infer", req);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode outputs = JSON.readTree(r.body()).get("outputs");
        assertThat(outputs).hasSize(1);
        assertThat(outputs.get(0).get("name").asText()).isEqualTo("label");
        assertThat(outputs.get(0).get("data").get(0).asText()).isIn("a", "b", "c");
    }

    @Test
    void modelMetadataDescribesInputsAndOutputs() throws Exception {
        HttpResponse<String> r = get("/v2/models/iris");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,4]");
        assertThat(body.get("versions").get(0).asText()).isEqualTo("1");
    }

    private static void assertError(HttpResponse<String> r, int status, String fragment) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("json"));
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains(fragment);
    }

    @Test
    void wrongFeatureCountIsABadRequestNamingBothCounts() throws Exception {
        assertError(
                post("/v2/models/iris/infer", infer("[1,5]", "[1,2,3,4,5]")),
                400,
                "inputs[0].shape[1] is 5 but the model takes 4 features");
    }

    @Test
    void dataLengthMustMatchShape() throws Exception {
        assertError(
                post("/v2/models/iris/infer", infer("[2,4]", "[1,2,3,4]")),
                400,
                "inputs[0].data has 4 values but shape needs 8");
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        assertError(post("/v2/models/iris/infer", "{\"inputs\": [}"), 400, "request body is not valid JSON");
        assertError(post("/v2/models/iris/infer", infer("[1,4]", "[1,NaN,3,4]")), 400, "not valid JSON");
    }

    @Test
    void otherBadRequests() throws Exception {
        assertError(post("/v2/models/iris/infer", "[]"), 400, "must be a JSON object");
        assertError(post("/v2/models/iris/infer", "{}"), 400, "'inputs' must be a non-empty array");
        assertError(
                post("/v2/models/iris/infer", infer("[1,4]", "[1,\"x\",3,4]")),
                400,
                "inputs[0].data[1] must be a number");
        assertError(
                post("/v2/models/iris/infer", infer("[1,4]", "[1,2,3,4]").replace("FP32", "BYTES")),
                400,
                "inputs[0].datatype");
        assertError(post("/v2/models/iris/infer", infer("[0,4]", "[]")), 400, "rows) must be >= 1");
        assertError(
                post(
                        "/v2/models/iris/infer",
                        infer("[1,4]", "[1,2,3,4]").replace("}]}", "}],\"outputs\":[{\"name\":\"logits\"}]}")),
                400,
                "outputs[].name 'logits'");
    }

    @Test
    void unknownModelIsNotFoundAndInvalidNameIsRefused() throws Exception {
        assertError(post("/v2/models/nope/infer", infer("[1,4]", "[1,2,3,4]")), 404, "model 'nope' is not served");
        assertError(post("/v2/models/Bad..Name/infer", infer("[1,4]", "[1,2,3,4]")), 400, "model name must match");
        assertError(get("/v2/nothing"), 404, "no endpoint GET /v2/nothing");
    }

    @Test
    void oversizedBodyIsRefusedWith413() throws Exception {
        String big = infer("[1,4]", "[1,2,3,4]") + " ".repeat(5000);
        assertError(post("/v2/models/iris/infer", big), 413, "larger than the server's limit");
        assertThat(get("/v2/health/ready").statusCode()).isEqualTo(200);
    }
}
