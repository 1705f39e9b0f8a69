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
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retraining with a running server: day 1 is promoted and served through {@code digits@production}; day 3's
 * label-noised data is rejected by the gate, and the server, which sees the new (rejected) version in the store,
 * keeps answering from the champion.
 */
class RetrainServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private List<String> header = new ArrayList<>();
    private List<String> rows;

    private List<String> retrain(Path store) throws Exception {
        return HearthBuild.sparkSubmit(
                "dev.hearth.spark.job.RetrainJob",
                List.of(
                        "--model",
                        "digits",
                        "--data-root",
                        dir.resolve("data").toString(),
                        "--store",
                        store.toString(),
                        "--set",
                        "retrain.eval.path=" + dir.resolve("eval.csv"),
                        "--set",
                        "retrain.gate.min.accuracy=0.7",
                        "--set",
                        "retrain.gate.max.recall.drop=0.1",
                        "--set",
                        "retrain.infra.max.p99.millis=100000",
                        "--set",
                        "network.hidden=32",
                        "--set",
                        "network.learning.rate=0.01",
                        "--set",
                        "train.epochs=6",
                        "--set",
                        "train.batch.size.per.worker=16",
                        "--set",
                        "train.checkpoint=false",
                        "--set",
                        "split.validation.fraction=0",
                        "--set",
                        "split.test.fraction=0.1"));
    }

    private void writeDay(int day, boolean noisy) throws Exception {
        List<String> part = new ArrayList<>(rows.subList(297 + (day - 1) * 500, 297 + day * 500));
        Random r = new Random(day);
        for (int i = 0; noisy && i < part.size(); i++) {
            if (r.nextDouble() < 0.9) {
                part.set(i, part.get(i).substring(0, part.get(i).lastIndexOf(',') + 1) + r.nextInt(10));
            }
        }
        Path p = dir.resolve("data/dt=2026-11-0" + day);
        Files.createDirectories(p);
        List<String> out = new ArrayList<>(header);
        out.addAll(part);
        Files.write(p.resolve("part.csv"), out);
    }

    private static HttpResponse<String> infer(HttpClient client, String base, String features) throws Exception {
        String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],\"datatype\":\"FP32\",\"data\":[" + features
                + "]}]}";
        return client.send(
                HttpRequest.newBuilder(URI.create(base + "/v2/models/digits/infer"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rejectedChallengerLeavesTheServedChampionInPlace() throws Exception {
        List<String> lines = Files.readAllLines(
                Path.of(getClass().getResource("digits-8x8.csv").toURI()));
        header.add(lines.get(0));
        rows = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.shuffle(rows, new Random(7));
        List<String> eval = new ArrayList<>(header);
        eval.addAll(rows.subList(0, 297));
        Files.write(dir.resolve("eval.csv"), eval);
        Path store = dir.resolve("store");
        String features = rows.get(0).substring(0, rows.get(0).lastIndexOf(','));

        try (Processes processes = new Processes()) {
            writeDay(1, false);
            Processes.Result day1 = processes.run(retrain(store), Duration.ofMinutes(5));
            assertThat(day1.exitCode()).as(day1.output()).isZero();

            String base = ServingProcess.start(
                    processes,
                    "1g",
                    HearthBuild.servingJar(),
                    JobArgs.serve(
                            store,
                            "serving.models=digits@production",
                            "serving.poll.interval.ms=200",
                            "auth.enabled=false"));
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> before = infer(client, base, features);
            assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
            JsonNode championAnswer = JSON.readTree(before.body());
            assertThat(championAnswer.get("model_version").asText()).isEqualTo("1");

            writeDay(3, true);
            Processes.Result day3 = processes.run(retrain(store), Duration.ofMinutes(5));
            assertThat(day3.exitCode()).as(day3.output()).isEqualTo(10);
            JsonNode v2 = JSON.readTree(
                    store.resolve("digits/versions/2/metadata.json").toFile());
            assertThat(v2.at("/tags/decision").asText()).isEqualTo("rejected");

            // Let the server poll the store several times after version 2 committed.
            Thread.sleep(2000);
            HttpResponse<String> after = infer(client, base, features);
            assertThat(after.statusCode()).isEqualTo(200);
            JsonNode answer = JSON.readTree(after.body());
            assertThat(answer.get("model_version").asText()).isEqualTo("1");
            assertThat(answer.get("outputs")).isEqualTo(championAnswer.get("outputs"));
        }
    }
}
