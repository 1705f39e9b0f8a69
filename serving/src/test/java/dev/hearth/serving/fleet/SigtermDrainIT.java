package dev.hearth.serving.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server as a process, stopped with SIGTERM: readiness turns 503 at once while inference keeps
 * answering 200 for {@code server.drain.ms}, then the process exits with code 0.
 */
class SigtermDrainIT {
    @TempDir
    Path dir;

    @Test
    void sigtermDrainsThenExitsZero() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        Path root = Path.of(System.getProperty("hearth.root", ".."))
                .toAbsolutePath()
                .normalize();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + root.resolve("conf/jvm17.args"),
                "-Xmx256m",
                "-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"),
                "-jar",
                root.resolve("serving/target/hearth-serving.jar").toString(),
                "--port",
                "0",
                "--store",
                store.root(),
                "--set",
                "serving.models=iris",
                "--set",
                "auth.enabled=false",
                "--set",
                "server.drain.ms=3000",
                "--set",
                "server.access.log=false"));
        Path out = dir.resolve("server.out");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("server.log").toFile())
                .start();
        try {
            String url = null;
            for (int i = 0; i < 240 && url == null; i++) {
                url = Files.readAllLines(out).stream()
                        .filter(l -> l.startsWith("listening on "))
                        .map(l -> l.substring("listening on ".length()))
                        .findFirst()
                        .orElse(null);
                assertThat(p.isAlive())
                        .as("server started: %s", Files.readString(dir.resolve("server.log")))
                        .isTrue();
                Thread.sleep(250);
            }
            assertThat(url).isNotNull();
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest ready =
                    HttpRequest.newBuilder(URI.create(url + "/v2/health/ready")).build();
            HttpRequest infer = HttpRequest.newBuilder(URI.create(url + "/v2/models/iris/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],"
                            + "\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}"))
                    .build();
            assertThat(client.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);

            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            int readyStatus = 0;
            for (int i = 0; i < 40 && readyStatus != 503; i++) {
                readyStatus =
                        client.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode();
                Thread.sleep(25);
            }
            assertThat(readyStatus).as("readiness after SIGTERM").isEqualTo(503);
            int answered = 0;
            while (System.nanoTime() - t0 < 2_000_000_000L) {
                assertThat(client.send(infer, HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(200);
                answered++;
            }
            assertThat(answered).isPositive();
            assertThat(p.waitFor(40, TimeUnit.SECONDS))
                    .as("exited after the drain")
                    .isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(3000);
            assertThat(p.exitValue()).as("exit code after SIGTERM").isZero();
            assertThat(Files.readString(dir.resolve("server.log"))).contains("SIGTERM: draining");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
