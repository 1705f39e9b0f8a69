package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.JobArgs;
import dev.hearth.testing.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model from another framework, end to end with the shipped artifacts: PyTorch trains an MLP on iris and exports
 * it to ONNX ({@code make_models.py}, Debian's python3-torch), {@code hearth models import} (the serving jar's
 * {@code ModelsMain}) publishes it, the serving jar answers HTTP requests with PyTorch's probabilities, and
 * spark-submit of the predict job scores the dataset with it.
 */
class BringYourOwnModelIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void trainInPytorchImportServeAndPredictOnSpark() throws Exception {
        Path root = HearthBuild.root();
        Path iris = root.resolve("model-runtime/src/test/resources/dev/hearth/runtime/onnx/iris.csv");
        Path models = dir.resolve("models");
        Path store = dir.resolve("store");
        Path servingJar = root.resolve("serving/target/hearth-serving.jar");
        try (Processes processes = new Processes()) {
            Processes.Result made = processes.run(
                    List.of(
                            "/usr/bin/python3",
                            root.resolve("model-runtime/src/test/python/make_models.py")
                                    .toString(),
                            models.toString(),
                            iris.toString(),
                            root.resolve("examples/data/mnist-10k.csv.gz").toString()),
                    Duration.ofMinutes(5));
            assertThat(made.exitCode()).as(made.output()).isZero();

            List<String> importCmd = new ArrayList<>(List.of(HearthBuild.java()));
            importCmd.addAll(HearthBuild.jvmArgs());
            importCmd.addAll(List.of(
                    "-Xmx512m",
                    "-cp",
                    HearthBuild.cliClasspath(),
                    "dev.hearth.runtime.cli.ModelsMain",
                    "import",
                    "--framework",
                    "onnx",
                    "--file",
                    models.resolve("mlp.onnx").toString(),
                    "--name",
                    "iris-torch",
                    "--labels",
                    "setosa,versicolor,virginica",
                    "--store",
                    store.toString()));
            Processes.Result imported = processes.run(importCmd, Duration.ofMinutes(2));
            assertThat(imported.exitCode()).as(imported.output()).isZero();
            assertThat(imported.output()).contains("imported iris-torch/1 (onnx");

            String base = ServingProcess.start(
                    processes,
                    "512m",
                    servingJar,
                    JobArgs.serve(store, "auth.enabled=false", "serving.models=iris-torch"));
            JsonNode fixed = JSON.readTree(models.resolve("mlp.json").toFile());
            JsonNode features = fixed.get("inputs").get("features");
            JsonNode expected = fixed.get("outputs").get("probabilities").get("data");
            String body = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":" + features.get("shape")
                    + ",\"data\":" + features.get("data") + "}]}";
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/v2/models/iris-torch/infer"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode probabilities =
                    JSON.readTree(r.body()).get("outputs").get(0).get("data");
            assertThat(probabilities).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(probabilities.get(i).asDouble())
                        .isCloseTo(expected.get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
            }

            Path scored = dir.resolve("scored");
            Processes.Result predict = processes.run(
                    HearthBuild.sparkSubmit(
                            "dev.hearth.spark.job.PredictJob",
                            List.of(
                                    "--model",
                                    "iris-torch",
                                    "--data",
                                    iris.toString(),
                                    "--store",
                                    store.toString(),
                                    "--output",
                                    scored.toString(),
                                    "--set",
                                    "predict.output.format=csv")),
                    Duration.ofMinutes(5));
            assertThat(predict.exitCode()).as(predict.output()).isZero();
            assertThat(predict.output()).contains("scored 150 rows with iris-torch");
            List<String> lines = new ArrayList<>();
            try (Stream<Path> parts = Files.list(scored)) {
                for (Path part : parts.filter(p -> p.getFileName().toString().endsWith(".csv"))
                        .toList()) {
                    List<String> all = Files.readAllLines(part);
                    assertThat(all.get(0))
                            .isEqualTo("label,prediction,probability_setosa,probability_versicolor,"
                                    + "probability_virginica");
                    lines.addAll(all.subList(1, all.size()));
                }
            }
            assertThat(lines).hasSize(150);
            long right = lines.stream()
                    .map(l -> l.split(","))
                    .filter(c -> c[0].equals(c[1]))
                    .count();
            double accuracy = JSON.readTree(models.resolve("summary.json").toFile())
                    .get("mlp_accuracy")
                    .asDouble();
            // PyTorch computed its accuracy in float32.
            assertThat(right / 150.0).isCloseTo(accuracy, org.assertj.core.data.Offset.offset(1e-6));
        }
    }
}
