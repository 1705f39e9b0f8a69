package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.model.LoadedModel;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX files PyTorch wrote (an MLP on iris, a CNN on 28x28 digits, a two-input model), imported with the real
 * {@code hearth models import}, served by a real server and asked over HTTP: the answers match PyTorch's own
 * outputs on the same rows (within 1e-5), metadata lists the graphs' tensors, bad requests are 400s naming the
 * input, hot swap, alias following, leases and SHA-256 verification apply as to DL4J versions; and a Hearth-trained model
 * exported to ONNX, re-imported and served answers as the DL4J version does.
 */
class OnnxServingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void pytorchModelsAnswerOverHttpAsPytorchDoes() throws Exception {
        Path store = dir.resolve("store");
        Path files = PytorchFiles.dir();
        PytorchFiles.importOnnx(store, files.resolve("mlp.onnx"), "iris-torch", "setosa", "versicolor", "virginica");
        PytorchFiles.importOnnx(
                store, files.resolve("cnn.onnx"), "digits-cnn", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        PytorchFiles.importOnnx(store, files.resolve("two_input.onnx"), "two");
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store,
                "auth.enabled=false",
                "serving.models=iris-torch,digits-cnn,two",
                "serving.poll.interval.ms=100",
                "serving.compute.threads=1")) {
            // Metadata: the graphs' real tensors, ONNX Runtime as platform.
            JsonNode cnnMeta = JSON.readTree(server.get("/v2/models/digits-cnn").body());
            assertThat(cnnMeta.get("platform").asText()).isEqualTo("onnxruntime_onnx");
            assertThat(cnnMeta.get("inputs").toString())
                    .isEqualTo("[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[-1,1,28,28]}]");
            assertThat(cnnMeta.get("outputs").toString())
                    .contains("{\"name\":\"logits\",\"datatype\":\"FP32\"," + "\"shape\":[-1,10]}")
                    .contains("\"name\":\"label\"");
            JsonNode twoMeta = JSON.readTree(server.get("/v2/models/two").body());
            assertThat(twoMeta.get("inputs").toString())
                    .contains("\"name\":\"a\"")
                    .contains("\"name\":\"b\"")
                    .contains("INT64");
            assertThat(twoMeta.get("outputs").toString())
                    .contains("\"scores\"")
                    .contains("FP64")
                    .contains("\"best\"")
                    .doesNotContain("\"label\"");
            JsonNode mlpMeta = JSON.readTree(server.get("/v2/models/iris-torch").body());
            assertThat(mlpMeta.get("platform").asText()).isEqualTo("onnxruntime_onnx");
            assertThat(mlpMeta.get("inputs").get(0).get("name").asText()).isEqualTo("features");

            // The MLP is the feature-rows kind: served (and micro-batched) like a Hearth model.
            JsonNode mlp = PytorchFiles.rows("mlp");
            JsonNode a = answer(
                    server,
                    "iris-torch",
                    "{\"id\":\"m\",\"inputs\":["
                            + PytorchFiles.input("features", mlp.get("inputs").get("features")) + "]}");
            assertClose(
                    a.get("outputs").get(0).get("data"),
                    mlp.get("outputs").get("probabilities").get("data"));
            assertThat(a.get("outputs").get(1).get("name").asText()).isEqualTo("label");
            // TF-Serving's instances work for it too.
            assertThat(server.post("/v1/models/iris-torch:predict", "{\"instances\":[[5.1,3.5,1.4,0.2]]}")
                            .body())
                    .contains("\"label\":\"setosa\"");

            // The CNN: a 4-axis input, logits and labels.
            JsonNode cnn = PytorchFiles.rows("cnn");
            JsonNode c = answer(
                    server,
                    "digits-cnn",
                    "{\"inputs\":["
                            + PytorchFiles.input("pixels", cnn.get("inputs").get("pixels")) + "]}");
            assertThat(c.get("outputs").get(0).get("shape").toString()).isEqualTo("[8,10]");
            assertClose(
                    c.get("outputs").get(0).get("data"),
                    cnn.get("outputs").get("logits").get("data"));
            JsonNode labels = c.get("outputs").get(1);
            assertThat(labels.get("name").asText()).isEqualTo("label");
            assertThat(labels.get("data")).hasSize(8);
            assertThat(labels.get("data").get(0).asText())
                    .isEqualTo(Integer.toString(
                            argmax(cnn.get("outputs").get("logits").get("data"), 0, 10)));

            // Two inputs of two element types, two outputs; one output on request.
            JsonNode two = PytorchFiles.rows("two_input");
            String twoInputs = PytorchFiles.input("b", two.get("inputs").get("b")) + ","
                    + PytorchFiles.input("a", two.get("inputs").get("a"));
            JsonNode t = answer(server, "two", "{\"inputs\":[" + twoInputs + "]}");
            assertThat(t.get("outputs").get(0).get("datatype").asText()).isEqualTo("FP64");
            assertClose(
                    t.get("outputs").get(0).get("data"),
                    two.get("outputs").get("scores").get("data"));
            assertThat(t.get("outputs").get(1).get("datatype").asText()).isEqualTo("INT64");
            assertThat(t.get("outputs").get(1).get("data"))
                    .isEqualTo(two.get("outputs").get("best").get("data"));
            JsonNode only = answer(server, "two", "{\"inputs\":[" + twoInputs + "],\"outputs\":[{\"name\":\"best\"}]}");
            assertThat(only.get("outputs")).hasSize(1);
            assertThat(only.get("outputs").get(0).get("name").asText()).isEqualTo("best");

            // Bad requests: 400 naming the input, the value and the rule.
            String aT = PytorchFiles.input("a", two.get("inputs").get("a"));
            assertBad(server, "two", "{\"inputs\":[" + aT + "]}", "input 'b' is missing; the model takes [a, b]");
            assertBad(
                    server,
                    "two",
                    "{\"inputs\":[" + aT + ",{\"name\":\"c\",\"datatype\":\"INT64\",\"shape\":[1,2],"
                            + "\"data\":[1,2]}]}",
                    "inputs[1].name 'c' is not an input of the model; it takes [a, b]");
            assertBad(
                    server,
                    "two",
                    "{\"inputs\":[" + aT + ",{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[1,2],"
                            + "\"data\":[1,2]}]}",
                    "inputs[1] ('b').datatype must be INT64 as the model declares but was 'FP32'");
            assertBad(
                    server,
                    "two",
                    "{\"inputs\":[" + aT + ",{\"name\":\"b\",\"datatype\":\"INT64\",\"shape\":[4,3],"
                            + "\"data\":[1,2,3,4,5,6,7,8,9,0,1,2]}]}",
                    "inputs[1] ('b').shape[1] is 3 but the model takes 2");
            assertBad(
                    server,
                    "two",
                    "{\"inputs\":[" + aT + ",{\"name\":\"b\",\"datatype\":\"INT64\",\"shape\":[1,2],"
                            + "\"data\":[1,2.5]}]}",
                    "inputs[1] ('b').data[1] must be an integer for an INT datatype but was 2.5");
            assertBad(
                    server,
                    "digits-cnn",
                    "{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\"," + "\"shape\":[1,28,28],\"data\":[0]}]}",
                    "inputs[0] ('pixels').shape must be [-1, 1, 28, 28]");
            assertBad(
                    server,
                    "two",
                    "{\"inputs\":[" + twoInputs + "],\"outputs\":[{\"name\":\"nope\"}]}",
                    "outputs[].name 'nope' is not an output of the model (has [scores, best])");
            HttpResponse<String> v1 = server.post("/v1/models/digits-cnn:predict", "{\"instances\":[[1]]}");
            assertThat(v1.statusCode()).isEqualTo(400);
            assertThat(v1.body()).contains("takes named tensors");

            // Hot swap: a new version is loaded and answers; the old session is closed once unused.
            LoadedModel first = server.server().registry().slot("digits-cnn").peek();
            PytorchFiles.importOnnx(
                    store, files.resolve("cnn.onnx"), "digits-cnn", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> server.server().registry().slot("digits-cnn").currentVersion() == 2);
            assertThat(first.isReleased()).isTrue();
            assertThat(answer(
                                    server,
                                    "digits-cnn",
                                    "{\"inputs\":["
                                            + PytorchFiles.input(
                                                    "pixels", cnn.get("inputs").get("pixels")) + "]}")
                            .get("model_version")
                            .asText())
                    .isEqualTo("2");
        }
    }

    @Test
    void aliasFollowingAndVerificationApplyToOnnxVersions() throws Exception {
        Path store = dir.resolve("store");
        Path two = PytorchFiles.dir().resolve("two_input.onnx");
        PytorchFiles.importOnnx(store, two, "two");
        PytorchFiles.importOnnx(store, two, "two");
        PytorchFiles.importOnnx(store, two, "two");
        PytorchFiles.setAlias(store, "two", "production", 1);
        HadoopModelStore hs = HadoopModelStore.open(store.toString(), new Configuration());
        // Version 3's file is flipped by one bit on disk: its SHA-256 no longer matches the manifest.
        ModelVersion v3 = hs.resolve(ModelRef.parse("two/3"));
        Path file = Path.of(URI.create(v3.location())).resolve("model.onnx");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        JsonNode rows = PytorchFiles.rows("two_input");
        String request =
                "{\"inputs\":[" + PytorchFiles.input("a", rows.get("inputs").get("a")) + ","
                        + PytorchFiles.input("b", rows.get("inputs").get("b")) + "]}";
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store,
                "auth.enabled=false",
                "serving.models=two@production",
                "serving.poll.interval.ms=100")) {
            assertThat(answer(server, "two", request).get("model_version").asText())
                    .isEqualTo("1");
            PytorchFiles.setAlias(store, "two", "production", 2);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> server.server().registry().slot("two").currentVersion() == 2);
            assertThat(answer(server, "two", request).get("model_version").asText())
                    .isEqualTo("2");
            // The served ONNX version is leased (gc keeps it) as a DL4J version is.
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> hs.leases("two").stream().anyMatch(l -> l.version() == 2));
            PytorchFiles.setAlias(store, "two", "production", 3);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> JSON.readTree(server.get("/v2/models/two").body())
                            .get("parameters")
                            .get("serving")
                            .get("refused_versions")
                            .has("3"));
            JsonNode status = JSON.readTree(server.get("/v2/models/two").body())
                    .get("parameters")
                    .get("serving");
            assertThat(status.get("refused_versions").get("3").asText()).contains("SHA-256");
            assertThat(answer(server, "two", request).get("model_version").asText())
                    .isEqualTo("2");
        }
        assertThat(hs.leases("two"))
                .extracting(dev.hearth.store.Lease::version)
                .as("leases dropped when the server stops")
                .isEmpty();
    }

    @Test
    void hearthModelExportedToOnnxReimportedAndServedAnswersAsDl4j() throws Exception {
        Path store = dir.resolve("store");
        HadoopModelStore hs = HadoopModelStore.open(store.toString(), new Configuration());
        TestModels.publish(hs, "iris", TestModels.network(5));
        Path exported = dir.resolve("iris.onnx");
        PytorchFiles.exportOnnx(store, "iris/1", exported);
        PytorchFiles.importOnnx(store, exported, "iris-onnx");
        try (TestServer server =
                TestServer.start(null, "store.root=" + store, "auth.enabled=false", "serving.models=iris,iris-onnx")) {
            String[] rows = {"[0,0,0,0]", "[1,2,3,4]", "[9.5,0.5,7,3]", "[4,4,4,4]"};
            for (String row : rows) {
                String req = TestServer.infer("r", "[1,4]", row);
                JsonNode dl4j = answer(server, "iris", req);
                JsonNode onnx = answer(server, "iris-onnx", req);
                assertClose(
                        onnx.get("outputs").get(0).get("data"),
                        dl4j.get("outputs").get(0).get("data"));
                assertThat(onnx.get("outputs").get(1))
                        .isEqualTo(dl4j.get("outputs").get(1));
            }
            assertThat(JSON.readTree(server.get("/v2/models/iris-onnx").body())
                            .get("parameters")
                            .get("labels")
                            .toString())
                    .isEqualTo("[\"a\",\"b\",\"c\"]");
        }
    }

    private static JsonNode answer(TestServer server, String model, String body) throws Exception {
        HttpResponse<String> r = server.post("/v2/models/" + model + "/infer", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void assertBad(TestServer server, String model, String body, String message) throws Exception {
        HttpResponse<String> r = server.post("/v2/models/" + model + "/infer", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains(message);
    }

    private static void assertClose(JsonNode actual, JsonNode expected) {
        assertThat(actual).hasSameSizeAs(expected);
        List<String> far = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            double a = actual.get(i).asDouble();
            double e = expected.get(i).asDouble();
            if (Math.abs(a - e) > TOLERANCE * Math.max(1, Math.abs(e))) {
                far.add(i + ": " + a + " vs " + e);
            }
        }
        assertThat(far)
                .as("values further than %s from the expected ones", TOLERANCE)
                .isEmpty();
    }

    private static int argmax(JsonNode data, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (data.get(row * classes + c).asDouble()
                    > data.get(row * classes + best).asDouble()) {
                best = c;
            }
        }
        return best;
    }
}
