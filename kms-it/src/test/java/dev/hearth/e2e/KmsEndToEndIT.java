package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.serving.client.InferResponse;
import dev.hearth.serving.client.InferenceClient;
import dev.hearth.store.it.KmsFixture;
import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.JobArgs;
import dev.hearth.testing.Processes;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.KeyProvider;
import org.apache.hadoop.crypto.key.KeyProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest end to end with a real Hadoop KMS (MiniKMS in its own JVM, its Jetty 9 never meets the
 * server's Jetty 11) and the shipped artifacts as processes: spark-submit trains and publishes an encrypted version,
 * the serving jar serves it over HTTP, spark-submit evaluates it on local[2]; the master key is rolled in the KMS,
 * {@code models rekey} re-wraps the version, the old key version is retired from the KMS, and a fresh server and
 * {@code models verify} still read it (through the new key version only).
 */
class KmsEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void publishServeEvaluateRotateRetireAndServeAgain() throws Exception {
        Path root = HearthBuild.root();
        // The e2e module's dataset, read where it lies (a resource inside e2e's test jar has no file path).
        Path data = root.resolve("e2e/src/test/resources/dev/hearth/e2e/digits-8x8.csv");
        Path store = dir.resolve("store");
        try (KmsFixture kms = new KmsFixture(dir.resolve("kms"));
                Processes processes = new Processes()) {
            kms.start();
            KeyProvider admin = KeyProviderFactory.get(new URI(kms.uri()), new Configuration());
            KeyProvider.Options o = new KeyProvider.Options(new Configuration());
            o.setBitLength(256);
            assertThat(admin.createKey("models", o).getVersionName()).isEqualTo("models@0");
            List<String> keys = List.of("--set", "store.encryption.key.provider=" + kms.uri());

            List<String> trainArgs = JobArgs.train(
                    data,
                    "digits",
                    store,
                    "network.hidden=32",
                    "network.learning.rate=0.01",
                    "train.epochs=2",
                    "train.batch.size.per.worker=32",
                    "store.encryption.key.name=models");
            trainArgs.addAll(keys);
            Processes.Result train = processes.run(
                    HearthBuild.sparkSubmit("dev.hearth.spark.job.TrainJob", trainArgs), Duration.ofMinutes(4));
            assertThat(train.exitCode()).as(train.output()).isZero();
            assertThat(train.output()).contains("published digits/1");
            try (Stream<Path> files = Files.walk(store)) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                assertThat(names).contains("model.zip.enc").doesNotContain("model.zip");
            }
            assertThat(models(processes, kms, "show", "digits/1").output()).contains("models@0");

            String base = serve(processes, keys);
            assertThat(infer(base).modelVersion()).isEqualTo("1");

            List<String> evalArgs = new ArrayList<>(
                    List.of("--model", "digits", "--data", data.toString(), "--store", store.toString(), "--json"));
            evalArgs.addAll(keys);
            Processes.Result evaluated = processes.run(
                    HearthBuild.sparkSubmit("dev.hearth.spark.job.EvaluateJob", evalArgs), Duration.ofMinutes(4));
            assertThat(evaluated.exitCode()).as(evaluated.output()).isZero();
            // Two short epochs: well above chance (0.1) is what shows the decrypted model is the trained one.
            assertThat(JSON.readTree(jsonBlock(evaluated.output()))
                            .get("metrics")
                            .get("accuracy")
                            .asDouble())
                    .as(evaluated.output())
                    .isGreaterThan(0.25);

            // Rotation: roll the master key in the KMS (what `hadoop key roll` does), re-wrap, retire models@0.
            assertThat(admin.rollNewVersion("models").getVersionName()).isEqualTo("models@1");
            Processes.Result rekey = models(processes, kms, "rekey", "--all", "--reason", "rotation");
            assertThat(rekey.exitCode()).as(rekey.output()).isZero();
            assertThat(rekey.output()).contains("digits/1: models@0 -> models@1");
            kms.stop();
            kms.retire("models@0");
            kms.start();

            Processes.Result verify = models(processes, kms, "verify");
            assertThat(verify.exitCode()).as(verify.output()).isZero();
            assertThat(verify.output()).contains("models@1").doesNotContain("models@0");
            // A fresh server (no data key cached) can only unwrap through models@1.
            String again = serve(processes, keys);
            assertThat(infer(again).modelVersion()).isEqualTo("1");
            assertThat(infer(base).modelVersion()).isEqualTo("1");
        }
    }

    private Processes.Result models(Processes processes, KmsFixture kms, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(HearthBuild.java()));
        cmd.addAll(HearthBuild.jvmArgs());
        cmd.addAll(List.of(
                "-Xmx256m",
                "-cp",
                HearthBuild.cliClasspath(),
                "dev.hearth.runtime.cli.ModelsMain",
                "--store",
                dir.resolve("store").toString(),
                "--key-provider",
                kms.uri()));
        cmd.addAll(List.of(args));
        return processes.run(cmd, Duration.ofMinutes(1));
    }

    private String serve(Processes processes, List<String> keys) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(HearthBuild.java()));
        cmd.addAll(HearthBuild.jvmArgs());
        cmd.addAll(List.of(
                "-Xmx512m",
                "-jar",
                HearthBuild.servingJar().toString(),
                "--store",
                dir.resolve("store").toString(),
                "--port",
                "0",
                "--set",
                "auth.enabled=false"));
        cmd.addAll(keys);
        ChildProcess serverProcess =
                processes.startAndAwait(cmd, l -> l.startsWith("listening on "), Duration.ofMinutes(2));
        return serverProcess
                .firstLine(l -> l.startsWith("listening on "))
                .orElseThrow()
                .substring("listening on ".length());
    }

    private static InferResponse infer(String base) {
        String row = "0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,0,4,11,0,"
                + "1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0";
        return InferenceClient.builder(base).build().infer("digits", InferRequest.csvRow(row));
    }

    private static String jsonBlock(String output) {
        List<String> lines = output.lines().toList();
        int start = lines.indexOf("{");
        int end = lines.subList(start, lines.size()).indexOf("}") + start;
        return String.join("\n", lines.subList(start, end + 1));
    }
}
