package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.runtime.TestNetworks;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A real fault inside a forward pass answers 500 with nothing but a request id; the server log holds the same id
 * with the exception, once, and the access-log line carries the id too.
 */
class InternalErrorTest {
    private static final Pattern ANSWER = Pattern.compile("internal error, request id ([0-9a-f]{16})");

    @TempDir
    Path dir;

    /**
     * A network over one feature, a word index, through an embedding of 10 words: the server's warm-up (index 0)
     * and indices 0..9 work, a larger index makes DL4J throw inside the forward pass.
     */
    private static ModelVersion publishTenWordModel(HadoopModelStore store) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new EmbeddingLayer.Builder().nIn(10).nOut(8).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        Signature signature =
                new Signature("input", "FP32", 1, List.of("word"), List.of("a", "b", "c"), NormalizerSpec.none());
        return TestNetworks.publish(store, "fragile", ModelFiles.DL4J_MULTILAYER, signature, net);
    }

    @Test
    void internalErrorSaysOnlyTheRequestIdAndTheLogHasTheDetails() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        publishTenWordModel(store);
        String token = TokenFile.create(dir.resolve("tokens"), List.of("predict:fragile"));
        try (LogCapture errors = LogCapture.of(ErrorMapper.class.getName());
                LogCapture access = LogCapture.of("dev.hearth.serving.access");
                TestServer server = TestServer.start(
                        token,
                        "store.root=" + store.root(),
                        "auth.tokens.file=" + dir.resolve("tokens"),
                        "serving.poll.interval.ms=0")) {
            HttpResponse<String> ok = server.post("/v2/models/fragile/infer", TestServer.infer("in", "[2,1]", "[3,9]"));
            HttpResponse<String> failed =
                    server.post("/v2/models/fragile/infer", TestServer.infer("out", "[1,1]", "[50]"));

            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
            JsonNode body = new ObjectMapper().readTree(failed.body());
            assertThat(body.size()).isEqualTo(1);
            Matcher m = ANSWER.matcher(body.get("error").asText());
            assertThat(m.matches()).as(failed.body()).isTrue();
            String id = m.group(1);

            List<LogCapture.Event> withId = errors.events().stream()
                    .filter(e -> e.message().contains(id))
                    .toList();
            assertThat(withId).hasSize(1);
            assertThat(withId.get(0).thrown()).isNotNull();
            assertThat(withId.get(0).message()).contains("/v2/models/fragile/infer");
            // What the client did not see is in the log: the exception DL4J threw, naming the bad index.
            Throwable thrown = withId.get(0).thrown();
            assertThat(thrown).hasMessageContaining("embedding layer");
            assertThat(failed.body())
                    .doesNotContain("embedding")
                    .doesNotContain(thrown.getClass().getSimpleName());
            // The access-log line is written just after the answer is sent.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(access.lines()).anySatisfy(line -> {
                        JsonNode l = new ObjectMapper().readTree(line);
                        assertThat(l.get("id").asText()).isEqualTo(id);
                        assertThat(l.get("status").asInt()).isEqualTo(500);
                    }));
        }
    }
}
