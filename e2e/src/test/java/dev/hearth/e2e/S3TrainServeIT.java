package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.serving.client.InferenceClient;
import dev.hearth.store.testing.S3TestEndpoint;
import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on S3 (S3Proxy on loopback): spark-submit of the jobs jar on local[2] reads its training data from
 * {@code s3a://} and publishes to an {@code s3a://} store, twice; the serving jar follows {@code @production} on that
 * store through an alias move (CAS) and a rollback; the store CLI verifies and collects garbage there. The S3 secret
 * key never appears in any output, metadata, provenance or audit file.
 */
class S3TrainServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void trainFromS3PublishToS3ServeFollowAliasVerifyAndGc() throws Exception {
        Path root = HearthBuild.root();
        Path data = Path.of(getClass().getResource("digits-8x8.csv").toURI());
        try (S3TestEndpoint s3 = S3TestEndpoint.start();
                Processes processes = new Processes()) {
            Path conf = dir.resolve("hadoop-conf");
            s3.writeCoreSite(conf, Map.of());
            processes.withEnv("HADOOP_CONF_DIR", conf.toString());
            FileSystem fs = new org.apache.hadoop.fs.Path(s3.uri("")).getFileSystem(s3.hadoopConf());
            // A plain stream: S3A's copyFromLocalFile needs commons-collections, which Hearth does not ship.
            try (var out = fs.create(new org.apache.hadoop.fs.Path(s3.uri("data/digits.csv")), false)) {
                Files.copy(data, out);
            }
            String store = s3.uri("models");
            List<String> outputs = new ArrayList<>();

            for (int round = 1; round <= 2; round++) {
                List<String> args = new ArrayList<>(List.of(
                        "--data",
                        s3.uri("data/digits.csv"),
                        "--model",
                        "digits",
                        "--store",
                        store,
                        "--set",
                        "network.hidden=32",
                        "--set",
                        "network.learning.rate=0.01",
                        "--set",
                        "train.epochs=" + (round + 1),
                        "--set",
                        "train.batch.size.per.worker=32"));
                List<String> submit = withS3Conf(HearthBuild.sparkSubmit("dev.hearth.spark.job.TrainJob", args), s3);
                Processes.Result train = processes.run(submit, Duration.ofMinutes(5));
                outputs.add(train.output());
                assertThat(train.exitCode()).as(train.output()).isZero();
                assertThat(train.output()).contains("published digits/" + round);
            }
            outputs.add(cli(processes, store, "alias", "set", "digits", "production", "1", "--expect", "none")
                    .output());

            // doctor: S3A resolves inside the executors; the store reports what the conditional-write probe measured.
            Processes.Result doctor = processes.run(
                    withS3Conf(
                            HearthBuild.sparkSubmit(
                                    "dev.hearth.spark.job.DoctorJob",
                                    List.of("--path", s3.uri("data/digits.csv"), "--store", store)),
                            s3),
                    Duration.ofMinutes(3));
            outputs.add(doctor.output());
            assertThat(doctor.output())
                    .containsPattern("OK +reach s3a://hearth/data/digits.csv in executor")
                    .containsPattern("(WARN|OK) +store exclusive creates");
            if (doctor.output().contains("WARN  store exclusive creates")) {
                assertThat(doctor.output()).contains("does not honour conditional writes");
            }

            List<String> serve = new ArrayList<>(List.of(HearthBuild.java()));
            serve.addAll(HearthBuild.jvmArgs());
            serve.addAll(List.of(
                    "-Xmx1g",
                    "-jar",
                    HearthBuild.servingJar().toString(),
                    "--store",
                    store,
                    "--port",
                    "0",
                    "--set",
                    "auth.enabled=false",
                    "--set",
                    "serving.models=digits@production",
                    "--set",
                    "serving.poll.interval.ms=200"));
            ChildProcess serverProcess =
                    processes.startAndAwait(serve, l -> l.startsWith("listening on "), Duration.ofMinutes(2));
            String base = serverProcess
                    .firstLine(l -> l.startsWith("listening on "))
                    .orElseThrow()
                    .substring("listening on ".length());
            String row = Files.readAllLines(data).get(1);
            float[] body = InferRequest.csvRow(row.substring(0, row.lastIndexOf(',')));
            InferenceClient client = InferenceClient.builder(base).build();
            assertThat(servedVersion(client, base, body)).isEqualTo(1);

            // Compare-and-swap: a move from the right head wins, a stale one is refused (exit 3).
            assertThat(cli(processes, store, "alias", "set", "digits", "production", "2", "--expect", "1")
                            .exitCode())
                    .isZero();
            Processes.Result stale =
                    cli(processes, store, "alias", "set", "digits", "production", "1", "--expect", "1");
            assertThat(stale.exitCode()).as(stale.output()).isEqualTo(3);
            awaitVersion(client, base, body, 2);
            Processes.Result rollback = cli(processes, store, "rollback", "digits", "production", "--reason", "test");
            assertThat(rollback.exitCode()).as(rollback.output()).isZero();
            awaitVersion(client, base, body, 1);

            Processes.Result verify = cli(processes, store, "verify");
            assertThat(verify.exitCode()).as(verify.output()).isZero();
            // keep-last 1 keeps version 2 (the newest), the alias keeps 1: nothing to delete, but gc runs on S3.
            Processes.Result gc = cli(processes, store, "gc", "--keep-last", "1", "--keep-days", "0", "--apply");
            assertThat(gc.exitCode()).as(gc.output()).isZero();
            Processes.Result versions = cli(processes, store, "--json", "versions", "digits");
            assertThat(versions.exitCode()).as(versions.output()).isZero();
            outputs.addAll(List.of(stale.output(), rollback.output(), verify.output(), gc.output(), versions.output()));
            outputs.addAll(serverProcess.lines());

            String metadata = readAll(fs, new org.apache.hadoop.fs.Path(store));
            assertThat(metadata).contains("\"dataset\"").contains("s3a://hearth/data/digits.csv");
            for (String out : outputs) {
                assertThat(out).doesNotContain(s3.secret());
            }
            assertThat(metadata).doesNotContain(s3.secret()).doesNotContain(S3TestEndpoint.ACCESS_KEY);
        }
    }

    /** Adds the S3A settings as spark.hadoop.* (Spark redacts *secret* keys in its logs and UI). */
    private static List<String> withS3Conf(List<String> submit, S3TestEndpoint s3) {
        List<String> cmd = new ArrayList<>(submit);
        int at = cmd.indexOf("--class");
        List<String> confs = new ArrayList<>();
        s3.s3aSettings().forEach((k, v) -> confs.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
        cmd.addAll(at, confs);
        return cmd;
    }

    private static Processes.Result cli(Processes processes, String store, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(HearthBuild.java()));
        cmd.addAll(HearthBuild.jvmArgs());
        cmd.addAll(List.of(
                "-Xmx256m", "-cp", HearthBuild.cliClasspath(), "dev.hearth.store.cli.ModelsCommand", "--store", store));
        cmd.addAll(List.of(args));
        return processes.run(cmd, Duration.ofMinutes(2));
    }

    private static int servedVersion(InferenceClient client, String base, float[] row) {
        return Integer.parseInt(client.infer("digits", row).modelVersion());
    }

    private static void awaitVersion(InferenceClient client, String base, float[] body, int version) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (servedVersion(client, base, body) != version) {
            assertThat(System.nanoTime())
                    .as("server never swapped to version " + version)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Every JSON object under the store (metadata with provenance, alias log, audit, leases). */
    private static String readAll(FileSystem fs, org.apache.hadoop.fs.Path root) throws Exception {
        StringBuilder all = new StringBuilder();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus st = it.next();
            if (st.getPath().getName().endsWith(".json")) {
                try (InputStream in = fs.open(st.getPath())) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    in.transferTo(b);
                    all.append(b.toString(StandardCharsets.UTF_8)).append('\n');
                }
            }
        }
        return all.toString();
    }
}
