package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the API and its error codes, on a real server with two versions of one model, a pinned
 * model, and a configured model that does not exist (never ready).
 */
class ConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.startOnLocalStore(
                dir,
                store -> {
                    TestModels.publish(store, "iris", TestModels.network(1));
                    TestModels.publish(store, "iris", TestModels.network(2));
                    TestModels.publish(store, "pinned", TestModels.network(3));
                    TestModels.publish(store, "pinned", TestModels.network(4));
                },
                "auth.enabled=false",
                "serving.models=iris,pinned/1,ghost",
                "serving.poll.interval.ms=0",
                "server.max.rows=100",
                "server.management.enabled=true",
                "serving.versions.on.demand=true");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return TestServer.errorMessage(r);
    }

    @Test
    void serverMetadataAndHealth() throws Exception {
        JsonNode meta = ok(server.get("/v2"));
        assertThat(meta.get("name").asText()).isEqualTo("hearth");
        assertThat(meta.get("models").toString()).contains("iris", "pinned", "ghost");
        assertThat(server.get("/v2/health/live").statusCode()).isEqualTo(200);
        // 'ghost' is configured but not in the store: the server is up but not ready, and says which model (the
        // details, with store paths, only in the log and the model's metadata).
        assertThat(error(server.get("/v2/health/ready"), 503)).contains("ghost").doesNotContain(dir.toString());
    }

    @Test
    void modelMetadataFollowsThePolicy() throws Exception {
        JsonNode iris = ok(server.get("/v2/models/iris"));
        assertThat(iris.get("versions").toString()).isEqualTo("[\"1\",\"2\"]");
        assertThat(iris.get("platform").asText()).isEqualTo("dl4j-multilayer");
        assertThat(iris.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,4]");
        assertThat(iris.get("inputs").get(0).get("datatype").asText()).isEqualTo("FP32");
        assertThat(iris.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,3]");
        assertThat(iris.get("parameters").get("serving").get("served_version").asText())
                .isEqualTo("2");
        JsonNode pinned = ok(server.get("/v2/models/pinned"));
        assertThat(pinned.get("parameters").get("serving").get("served_version").asText())
                .isEqualTo("1");
        JsonNode v1 = ok(server.get("/v2/models/iris/versions/1"));
        assertThat(v1.get("versions").toString()).isEqualTo("[\"1\"]");
        assertThat(v1.get("parameters").get("version").asText()).isEqualTo("1");
    }

    @Test
    void readinessPerModelAndVersion() throws Exception {
        assertThat(ok(server.get("/v2/models/iris/ready")).get("ready").asBoolean())
                .isTrue();
        assertThat(ok(server.get("/v2/models/iris/versions/1/ready"))
                        .get("ready")
                        .asBoolean())
                .isTrue();
        assertThat(error(server.get("/v2/models/ghost/ready"), 503)).contains("not ready");
        assertThat(error(server.get("/v2/models/iris/versions/9/ready"), 404)).isNotEmpty();
        assertThat(error(server.get("/v2/models/nope/ready"), 404)).contains("not served");
    }

    @Test
    void inferOnPolicyVersionAndOnAddressedVersions() throws Exception {
        String req = TestServer.request("a", new float[] {1, 2, 3, 4});
        JsonNode latest = ok(server.post("/v2/models/iris/infer", req));
        assertThat(latest.get("model_version").asText()).isEqualTo("2");
        assertThat(latest.get("id").asText()).isEqualTo("a");
        JsonNode v1 = ok(server.post("/v2/models/iris/versions/1/infer", req));
        assertThat(v1.get("model_version").asText()).isEqualTo("1");
        assertThat(v1.get("outputs").get(0).get("data").toString())
                .isNotEqualTo(latest.get("outputs").get(0).get("data").toString());
        JsonNode v2 = ok(server.post("/v2/models/iris/versions/2/infer", req));
        assertThat(v2.get("outputs").toString()).isEqualTo(latest.get("outputs").toString());
        assertThat(error(server.post("/v2/models/iris/versions/7/infer", req), 404))
                .isNotEmpty();
        assertThat(error(server.post("/v2/models/iris/versions/x/infer", req), 400))
                .contains("model version");
        assertThat(error(server.post("/v2/models/ghost/infer", req), 503)).contains("no version loaded");
    }

    @Test
    void integerAndFloat64InputsAreAccepted() throws Exception {
        for (String type : new String[] {"INT32", "INT64", "FP64", "FP32"}) {
            String req = "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"" + type
                    + "\",\"data\":[[1,2,3,4],[5,6,7,8]]}]}";
            JsonNode body = ok(server.post("/v2/models/iris/infer", req));
            assertThat(body.get("outputs").get(1).get("data")).hasSize(2);
        }
    }

    @Test
    void v1PredictTakesInstances() throws Exception {
        JsonNode body = ok(server.post("/v1/models/iris:predict", "{\"instances\":[[1,2,3,4],[4,3,2,1]]}"));
        assertThat(body.get("predictions")).hasSize(2);
        assertThat(body.get("predictions").get(0).get("probabilities")).hasSize(3);
        assertThat(body.get("predictions").get(0).get("label").asText()).isIn("a", "b", "c");
        JsonNode v2 = ok(server.post("/v2/models/iris/infer", TestServer.request("x", new float[] {1, 2, 3, 4})));
        assertThat(body.get("predictions").get(0).get("probabilities").toString())
                .isEqualTo(v2.get("outputs").get(0).get("data").toString());
        assertThat(error(server.post("/v1/models/iris:predict", "{\"instances\":[[1,2,3]]}"), 400))
                .contains("instances[0]");
    }

    @Test
    void openApiDocumentAndMetrics() throws Exception {
        JsonNode doc = ok(server.get("/openapi.json"));
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("paths").has("/v2/models/{name}/infer")).isTrue();
        HttpResponse<String> metrics = server.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains(
                        "hearth_requests_seconds_count",
                        "hearth_model_version{model=\"iris\"",
                        "hearth_queue_depth",
                        "hearth_model_load_seconds");
    }

    @Test
    void managementUnloadsAndReloads() throws Exception {
        String req = TestServer.request("m", new float[] {1, 2, 3, 4});
        ok(server.post("/v2/repository/models/pinned/unload", ""));
        assertThat(error(server.post("/v2/models/pinned/infer", req), 503)).contains("no version loaded");
        JsonNode loaded = ok(server.post("/v2/repository/models/pinned/load", ""));
        assertThat(loaded.get("version").asText()).isEqualTo("1");
        assertThat(ok(server.post("/v2/models/pinned/infer", req))
                        .get("model_version")
                        .asText())
                .isEqualTo("1");
    }

    @Test
    void chunkedBodiesAndResponseLengths() throws Exception {
        String req = TestServer.request("c", new float[] {1, 2, 3, 4});
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> sized = client.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/iris/infer"))
                        .POST(HttpRequest.BodyPublishers.ofString(req))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // No Content-Length: the body arrives chunked and goes through Javalin's reader.
        HttpResponse<String> chunked = client.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/iris/infer"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(req.getBytes(StandardCharsets.UTF_8))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok(chunked)).isEqualTo(ok(sized));
        for (HttpResponse<String> r : List.of(sized, chunked)) {
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(r.headers().firstValueAsLong("Content-Length"))
                    .hasValue(r.body().getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void bodyShorterThanItsContentLengthIsABadRequest() throws Exception {
        URI uri = URI.create(server.url());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            String head = "POST /v2/models/iris/infer HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"inputs\":[";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).contains("request body");
        }
    }
}
