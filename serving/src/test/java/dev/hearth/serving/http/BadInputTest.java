package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A catalogue of malformed requests: each gets the right 4xx with a JSON error, and the server stays healthy. */
class BadInputTest {
    @TempDir
    static Path dir;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.startOnLocalStore(
                dir,
                store -> TestModels.publish(store, "iris", TestModels.network(5)),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "server.max.rows=3",
                "server.max.body.bytes=2048");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String tensor(String name, String type, String shape, String data) {
        return "{\"inputs\":[{\"name\":\"" + name + "\",\"datatype\":\"" + type + "\",\"shape\":" + shape + ",\"data\":"
                + data + "}]}";
    }

    static Stream<Arguments> catalogue() {
        String ok = tensor("input", "FP32", "[1,4]", "[1,2,3,4]");
        return Stream.of(
                Arguments.of("/v2/models/iris/infer", "", 400, "request body is empty"),
                Arguments.of("/v2/models/iris/infer", "{\"inputs\": [}", 400, "not valid JSON"),
                Arguments.of("/v2/models/iris/infer", "null", 400, "JSON object"),
                Arguments.of("/v2/models/iris/infer", "[]", 400, "JSON object"),
                Arguments.of("/v2/models/iris/infer", "\"text\"", 400, "JSON object"),
                Arguments.of("/v2/models/iris/infer", "{}", 400, "'inputs' must be a non-empty array"),
                Arguments.of("/v2/models/iris/infer", "{\"inputs\":[]}", 400, "non-empty array"),
                Arguments.of("/v2/models/iris/infer", "{\"inputs\":{}}", 400, "non-empty array"),
                Arguments.of("/v2/models/iris/infer", "{\"inputs\":[1]}", 400, "inputs[0] must be an object"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        "{\"inputs\":[" + ok.substring(11, ok.length() - 2) + "," + ok.substring(11, ok.length() - 2)
                                + "]}",
                        400,
                        "has 2 tensors"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("x", "FP32", "[1,4]", "[1,2,3,4]"),
                        400,
                        "model's input is 'input'"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "BYTES", "[1,4]", "[1,2,3,4]"),
                        400,
                        "datatype must be a numeric type"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        ok.replace("\"datatype\":\"FP32\",", ""),
                        400,
                        "datatype must be a string"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[4]", "[1,2,3,4]"),
                        400,
                        "shape must be [rows, 4]"),
                Arguments.of(
                        "/v2/models/iris/infer", tensor("input", "FP32", "[1,4,1]", "[1,2,3,4]"), 400, "shape must be"),
                Arguments.of(
                        "/v2/models/iris/infer", tensor("input", "FP32", "[1.5,4]", "[1,2,3,4]"), 400, "shape must be"),
                Arguments.of(
                        "/v2/models/iris/infer", tensor("input", "FP32", "[-1,4]", "[1,2,3,4]"), 400, "must be >= 1"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[1,3]", "[1,2,3]"),
                        400,
                        "model takes 4 features"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[2,4]", "[1,2,3,4]"),
                        400,
                        "has 4 values but shape needs 8"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[1,4]", "[1,2,3,4,5]"),
                        400,
                        "has 5 values but shape needs 4"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[1,4]", "[1,true,3,4]"),
                        400,
                        "must be a number"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[1,4]", "[1,null,3,4]"),
                        400,
                        "must be a number"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[1,4]", "[1,1e39,3,4]"),
                        400,
                        "must be finite"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "INT32", "[1,4]", "[1,2.5,3,4]"),
                        400,
                        "must be an integer"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[1,4]", "{\"a\":1}"),
                        400,
                        "data must be an array"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        tensor("input", "FP32", "[4,4]", "[1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4]"),
                        400,
                        "at most 3 (server.max.rows)"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        ok.replace("]}", "],\"outputs\":[{\"name\":\"logits\"}]}"),
                        400,
                        "'logits' is not an output"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        ok.replace("]}", "],\"outputs\":{}}"),
                        400,
                        "'outputs' must be an array"),
                Arguments.of(
                        "/v2/models/iris/infer",
                        ok.replace("{\"inputs\"", "{\"id\":7,\"inputs\""),
                        400,
                        "'id' must be a string"),
                Arguments.of("/v2/models/iris/infer", ok + " ".repeat(3000), 413, "larger than the server's limit"),
                Arguments.of("/v2/models/Bad..Name/infer", ok, 400, "model name must match"),
                Arguments.of("/v2/models/unknown/infer", ok, 404, "not served"),
                Arguments.of("/v2/models/iris/versions/0/infer", ok, 400, "model version must be"),
                Arguments.of("/v2/models/iris/versions/99/infer", ok, 404, ""),
                Arguments.of("/v2/models/iris/explode", ok, 404, "no endpoint"),
                Arguments.of("/v1/models/iris:predict", "{\"instances\":[]}", 400, "'instances' must be"),
                Arguments.of("/v1/models/iris:predict", "{\"instances\":[[1,2,3,\"4\"]]}", 400, "must be a number"),
                Arguments.of(
                        "/v1/models/iris:predict",
                        "{\"instances\":[[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4]]}",
                        400,
                        "server.max.rows"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @MethodSource("catalogue")
    void malformedRequestGetsTheRightStatusAndServerStaysHealthy(String path, String body, int status, String fragment)
            throws Exception {
        HttpResponse<String> r = server.post(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("json"));
        assertThat(TestServer.errorMessage(r)).contains(fragment);
        assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
        assertThat(server.post("/v2/models/iris/infer", tensor("input", "FP32", "[1,4]", "[1,2,3,4]"))
                        .statusCode())
                .isEqualTo(200);
    }
}
