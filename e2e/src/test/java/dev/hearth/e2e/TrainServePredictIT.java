package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.serving.client.InferResponse;
import dev.hearth.serving.client.InferenceClient;
import dev.hearth.serving.client.InferenceException;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.JobArgs;
import dev.hearth.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
        Path data = Path.of(getClass().getResource("digits-8x8.csv").toURI());
        Path store = dir.resolve("store");
        try (Processes processes = new Processes()) {
            List<String> submit = HearthBuild.sparkSubmit(
                    "dev.hearth.spark.job.TrainJob",
                    JobArgs.train(
                            data,
                            "digits",
                            store,
                            "network.hidden=64",
                            "network.learning.rate=0.01",
                            "train.epochs=6",
                            "train.batch.size.per.worker=32"));
            Processes.Result train = processes.run(submit, Duration.ofMinutes(5));
            assertThat(train.exitCode()).as(train.output()).isZero();
            assertThat(train.output()).contains("published digits/1");

            String base = ServingProcess.start(
                    processes,
                    "1g",
                    HearthBuild.servingJar(),
                    List.of("--store", store.toString(), "--port", "0", "--set", "auth.enabled=false"));
            assertThat(base).startsWith("http://127.0.0.1:");

            InferenceClient client = InferenceClient.builder(base).build();
            // Two real rows of the dataset (label last): a 0 and a 1.
            float[][] rows = Files.readAllLines(data).subList(1, 3).stream()
                    .map(row -> InferRequest.csvRow(row.substring(0, row.lastIndexOf(','))))
                    .toArray(float[][]::new);
            InferResponse.Output probs = client.infer("digits", rows).outputs().get(0);
            assertThat(probs.shape()).containsExactly(2, 10);
            float[] p = probs.floats();
            assertThat(p).hasSize(20);
            for (int row = 0; row < 2; row++) {
                double sum = 0;
                for (int c = 0; c < 10; c++) {
                    sum += p[row * 10 + c];
                }
                assertThat(sum).isCloseTo(1.0, within(1e-4));
            }

            float[][] narrow = {Arrays.copyOf(rows[0], 63), Arrays.copyOf(rows[1], 63)};
            assertThatThrownBy(() -> client.infer("digits", narrow))
                    .isInstanceOfSatisfying(InferenceException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.serverMessage())
                                .isEqualTo("inputs[0].shape[1] is 63 but the model takes 64 features");
                    });
        }
    }
}
