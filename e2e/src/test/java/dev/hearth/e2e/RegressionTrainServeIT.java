package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression with the shipped artifacts: spark-submit of the train job fits {@code worst_area} of the breast-cancer
 * set (143.9–4,254) with a standardised target, the evaluate job scores the held-out file, the serving jar answers
 * OIP v2 and {@code /v1} requests, and the metrics of the HTTP answers equal the evaluate job's: the server's values
 * are in the target's own units.
 */
class RegressionTrainServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void trainEvaluateServeAndPredictInTheTargetsUnits() throws Exception {
        Path root = HearthBuild.root();
        List<String> lines = Files.readAllLines(
                Path.of(getClass().getResource("tumour-area.csv").toURI()));
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.shuffle(rows, new Random(17));
        List<String> test = rows.subList(0, 114);
        Path train = write("train.csv", lines.get(0), rows.subList(114, rows.size()));
        Path held = write("test.csv", lines.get(0), test);
        Path store = dir.resolve("store");
        try (Processes processes = new Processes()) {
            Processes.Result trained = processes.run(
                    HearthBuild.sparkSubmit(
                            "dev.hearth.spark.job.TrainJob",
                            List.of(
                                    "--data",
                                    train.toString(),
                                    "--model",
                                    "area",
                                    "--store",
                                    store.toString(),
                                    "--set",
                                    "data.test.path=" + held,
                                    "--set",
                                    "data.label.column=worst_area",
                                    "--set",
                                    "network.head=regression",
                                    "--set",
                                    "normalizer=standardize",
                                    "--set",
                                    "network.hidden=32",
                                    "--set",
                                    "train.epochs=60",
                                    "--set",
                                    "train.batch.size.per.worker=16",
                                    "--set",
                                    "train.averaging.frequency=2")),
                    Duration.ofMinutes(5));
            assertThat(trained.exitCode()).as(trained.output()).isZero();
            String published = trained.output()
                    .lines()
                    .filter(l -> l.startsWith("published area/1"))
                    .findFirst()
                    .orElseThrow();

            Processes.Result evaluated = processes.run(
                    HearthBuild.sparkSubmit(
                            "dev.hearth.spark.job.EvaluateJob",
                            List.of(
                                    "--model",
                                    "area",
                                    "--data",
                                    held.toString(),
                                    "--store",
                                    store.toString(),
                                    "--set",
                                    "data.label.column=worst_area",
                                    "--json")),
                    Duration.ofMinutes(5));
            assertThat(evaluated.exitCode()).as(evaluated.output()).isZero();
            JsonNode metrics = JSON.readTree(jsonBlock(evaluated.output())).get("metrics");

            String base = ServingProcess.start(
                    processes,
                    "1g",
                    HearthBuild.servingJar(),
                    List.of("--store", store.toString(), "--port", "0", "--set", "auth.enabled=false"));
            HttpClient client = HttpClient.newHttpClient();

            StringBuilder data = new StringBuilder();
            double[] truth = new double[test.size()];
            for (int r = 0; r < test.size(); r++) {
                String row = test.get(r);
                data.append(r == 0 ? "" : ",")
                        .append('[')
                        .append(row, 0, row.lastIndexOf(','))
                        .append(']');
                truth[r] = Double.parseDouble(row.substring(row.lastIndexOf(',') + 1));
            }
            JsonNode v2 = post(
                    client,
                    base + "/v2/models/area/infer",
                    "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + test.size()
                            + ",10],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}");
            JsonNode output = v2.get("outputs").get(0);
            assertThat(output.get("name").asText()).isEqualTo("worst_area");
            assertThat(output.get("shape").toString()).isEqualTo("[" + test.size() + ",1]");
            double[] served = JSON.convertValue(output.get("data"), double[].class);

            double mean = java.util.Arrays.stream(truth).average().orElseThrow();
            double sse = 0;
            double sae = 0;
            double sst = 0;
            for (int r = 0; r < truth.length; r++) {
                sse += (served[r] - truth[r]) * (served[r] - truth[r]);
                sae += Math.abs(served[r] - truth[r]);
                sst += (truth[r] - mean) * (truth[r] - mean);
            }
            double mse = sse / truth.length;
            assertThat(mse).isCloseTo(metrics.get("mse").asDouble(), within(1e-3 * mse));
            assertThat(sae / truth.length).isCloseTo(metrics.get("mae").asDouble(), within(1e-3 * sae / truth.length));
            assertThat(1 - sse / sst).isCloseTo(metrics.get("r2").asDouble(), within(1e-3));
            assertThat(1 - sse / sst).isGreaterThan(0.8);

            JsonNode v1 = post(
                    client,
                    base + "/v1/models/area:predict",
                    "{\"instances\":[" + data.substring(0, nthRowEnd(data, 5)) + "]}");
            double[] predictions = JSON.convertValue(v1.get("predictions"), double[].class);
            assertThat(predictions).hasSize(5);
            for (int r = 0; r < 5; r++) {
                assertThat(predictions[r]).isCloseTo(served[r], within(1e-3));
            }

            StringBuilder figure = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%s%nevaluate job on %d held-out rows: mse %.1f  mae %.2f  r2 %.4f%n"
                            + "HTTP answers on the same rows:     mse %.1f  mae %.2f  r2 %.4f%n",
                    published,
                    truth.length,
                    metrics.get("mse").asDouble(),
                    metrics.get("mae").asDouble(),
                    metrics.get("r2").asDouble(),
                    mse,
                    sae / truth.length,
                    1 - sse / sst));
            for (int r = 0; r < 5; r++) {
                figure.append(String.format(
                        Locale.ROOT, "row %d: v2 %.1f  v1 %.1f  true %.1f%n", r, served[r], predictions[r], truth[r]));
            }
            System.out.print(figure);
            Path out = root.resolve("e2e/target/regression-serve-figure.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, figure.toString(), StandardCharsets.UTF_8);
        }
    }

    private Path write(String name, String header, List<String> body) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(header);
        all.addAll(body);
        return Files.write(dir.resolve(name), all);
    }

    /** The pretty-printed JSON object the evaluate job prints among Spark's log lines. */
    private static String jsonBlock(String output) {
        List<String> lines = output.lines().toList();
        int start = lines.indexOf("{");
        int end = lines.subList(start, lines.size()).indexOf("}") + start;
        return String.join("\n", lines.subList(start, end + 1));
    }

    /** The index just after the {@code n}-th "]" of a list of rows "[..],[..],...". */
    private static int nthRowEnd(CharSequence rows, int n) {
        int seen = 0;
        for (int i = 0; i < rows.length(); i++) {
            if (rows.charAt(i) == ']' && ++seen == n) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("fewer than " + n + " rows");
    }

    private static JsonNode post(HttpClient client, String url, String body) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
