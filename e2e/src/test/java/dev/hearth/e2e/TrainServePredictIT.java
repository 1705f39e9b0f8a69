package dev.hearth.e2e;

import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Processes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with the shipped artifacts: spark-submit of the jobs jar on local[2] trains and publishes into a
 * temporary store, the serving jar starts on a free port, and a real HTTP client asks for predictions.
 */
class TrainServePredictIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void trainPublishServeAndPredict() throws Exception {
        Path root = HearthBuild.root();
        Path data = Path.of(getClass().getResource("digits-8x8.csv").toURI());
        Path store = dir.resolve("store");
        try (Processes processes = new Processes()) {
            List<String> submit = HearthBuild.sparkSubmit("dev.hearth.spark.job.TrainJob", List.of(
                    "--data", data.toString(), "--model", "digits", "--store", store.toString(),
                    "--set", "network.hidden=64", "--set", "network.learning.rate=0.01",
                    "--set", "train.epochs=6", "--set", "train.batch.size.per.worker=32"));
            Processes.Result train = processes.run(submit, Duration.ofMinutes(5));
            assertThat(train.exitCode()).as(train.output()).isZero();
            assertThat(train.output()).contains("published digits/1");

            List<String> serve = new ArrayList<>(List.of(HearthBuild.java()));
            serve.addAll(HearthBuild.jvmArgs());
            serve.addAll(List.of("-Xmx1g", "-jar", root.resolve("serving/target/hearth-serving.jar").toString(),
                    "--store", store.toString(), "--port", "0", "--set", "auth.enabled=false"));
            ChildProcess serverProcess = processes.startAndAwait(serve, l -> l.startsWith("listening on "),
                    Duration.ofMinutes(2));
            String base = serverProcess.firstLine(l -> l.startsWith("listening on ")).orElseThrow()
                    .substring("listening on ".length());
            assertThat(base).startsWith("http://127.0.0.1:");

            HttpClient client = HttpClient.newHttpClient();
            // Two real rows of the dataset (label last): a 0 and a 1.
            List<String> rows = Files.readAllLines(data).subList(1, 3);
            StringBuilder values = new StringBuilder();
            for (String row : rows) {
                String features = row.substring(0, row.lastIndexOf(','));
                values.append(values.length() == 0 ? "" : ",").append(features);
            }
            String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,64],\"datatype\":\"FP32\",\"data\":["
                    + values + "]}]}";
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/digits/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode probs = JSON.readTree(r.body()).get("outputs").get(0);
            assertThat(probs.get("shape").toString()).isEqualTo("[2,10]");
            double[] p = JSON.convertValue(probs.get("data"), double[].class);
            assertThat(p).hasSize(20);
            for (int row = 0; row < 2; row++) {
                double sum = 0;
                for (int c = 0; c < 10; c++) {
                    sum += p[row * 10 + c];
                }
                assertThat(sum).isCloseTo(1.0, within(1e-4));
            }

            HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/digits/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.replace("[2,64]", "[2,63]"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("error").asText())
                    .isEqualTo("inputs[0].shape[1] is 63 but the model takes 64 features");
        }
    }
}
