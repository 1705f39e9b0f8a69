package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.JobArgs;
import dev.hearth.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real driver crash: the train job (spark-submit of the jobs jar, local[2]) is killed with SIGKILL after it has
 * checkpointed a few epochs; {@code --resume} then continues from the last checkpoint and publishes.
 */
class ResumeAfterDriverKillIT {
    @TempDir
    Path dir;

    private static List<String> submit(Path data, Path store, String... extra) throws Exception {
        List<String> args = JobArgs.train(
                data,
                "digits",
                store,
                "network.hidden=32",
                "network.learning.rate=0.01",
                "train.epochs=40",
                "train.batch.size.per.worker=32");
        args.addAll(List.of(extra));
        return HearthBuild.sparkSubmit("dev.hearth.spark.job.TrainJob", args);
    }

    private static Optional<Integer> checkpointedEpoch(Path store) throws Exception {
        Path runs = store.resolve("digits/_checkpoints");
        if (!Files.isDirectory(runs)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(runs)) {
            return files.filter(p -> p.getFileName().toString().equals("_COMPLETE"))
                    .map(p -> Integer.parseInt(
                            p.getParent().getFileName().toString().substring("epoch-".length())))
                    .max(Integer::compare);
        }
    }

    @Test
    void killedDriverResumesFromItsLastCheckpoint() throws Exception {
        Path data = Path.of(getClass().getResource("digits-8x8.csv").toURI());
        Path store = dir.resolve("store");
        try (Processes processes = new Processes()) {
            ChildProcess driver =
                    processes.startAndAwait(submit(data, store), l -> l.contains("epoch 3/40"), Duration.ofMinutes(3));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (checkpointedEpoch(store).orElse(0) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            driver.kill();
            int saved = checkpointedEpoch(store).orElseThrow();
            assertThat(saved).isGreaterThanOrEqualTo(3).isLessThan(40);
            assertThat(store.resolve("digits/versions")).doesNotExist();

            Processes.Result resumed = processes.run(submit(data, store, "--resume"), Duration.ofMinutes(5));
            assertThat(resumed.exitCode()).as(resumed.output()).isZero();
            assertThat(resumed.output()).contains("published digits/1").contains("Resuming run");
            JsonNode meta = new ObjectMapper()
                    .readTree(store.resolve("digits/versions/1/metadata.json").toFile());
            assertThat(meta.at("/provenance/resumedAfterEpoch").asInt()).isEqualTo(saved);
            assertThat(meta.at("/provenance/epochs").asInt()).isEqualTo(40);
            assertThat(meta.at("/metrics/accuracy").asDouble()).isGreaterThan(0.9);
            assertThat(store.resolve("digits/_checkpoints")).isEmptyDirectory();
        }
    }
}
