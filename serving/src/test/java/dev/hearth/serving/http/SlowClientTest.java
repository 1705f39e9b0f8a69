package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and numerous clients against a real server with small limits: clients trickling a body or a request head
 * one byte per second are cut off while well-behaved requests keep being answered, and connections past the limit
 * wait until others close. Each of these tests fails on Jetty's defaults (no minimum data rate, an idle timeout
 * that every byte restarts, no connection limit).
 */
class SlowClientTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String INFER = TestServer.request("1", new float[] {1, 2, 3, 4});

    @TempDir
    static Path dir;

    private static String storeRoot;

    @BeforeAll
    static void publish() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(3));
        storeRoot = store.root();
    }

    private static TestServer start(String... settings) {
        return TestServer.start(
                null,
                Stream.concat(
                                Stream.of(
                                        "store.root=" + storeRoot, "auth.enabled=false", "serving.poll.interval.ms=0"),
                                Stream.of(settings))
                        .toArray(String[]::new));
    }

    /** A well-behaved inference request with a deadline; its status. */
    private static int infer(TestServer server) throws Exception {
        HttpResponse<String> r = CLIENT.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/iris/infer"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(INFER))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private static void closeAll(List<RawClient> clients) throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
    }

    @Test
    void bodiesTrickledOneBytePerSecondAreCutOffWhileOthersAreServed() throws Exception {
        // 24 slow uploads against 16 threads: without a minimum data rate each one holds a thread while it waits
        // for its next byte, and well-behaved requests would wait for all of them.
        try (TestServer server = start("server.threads.max=16")) {
            List<RawClient> slow = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            try {
                for (int i = 0; i < 24; i++) {
                    RawClient c = new RawClient(server.server().port());
                    c.send("POST /v2/models/iris/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                            + "\r\nContent-Length: 1000\r\n\r\n{");
                    slow.add(c);
                }
                Thread trickle = RawClient.trickle(slow, stop);
                long start = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    assertThat(infer(server)).isEqualTo(200);
                    Thread.sleep(300);
                }
                for (RawClient c : slow) {
                    assertThat(c.closedWithin(10_000)).as("slow upload cut off").isTrue();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
                stop.set(true);
                trickle.join(5_000);
                assertThat(infer(server)).isEqualTo(200);
            } finally {
                stop.set(true);
                closeAll(slow);
            }
        }
    }

    @Test
    void headsTrickledOneBytePerSecondAreCutOffAndFreeTheirConnections() throws Exception {
        // The tricklers take every connection the server allows; without the head deadline they would keep them
        // (each byte restarts the idle timeout) and no other client would get in.
        try (TestServer server = start("server.max.connections=12", "server.header.timeout.ms=2000")) {
            List<RawClient> slow = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            try {
                RawClient.openSlowHeads(slow, server.server().port(), 12, "/v2/health/live");
                Thread trickle = RawClient.trickle(slow, stop);
                RawClient.assertAllCutOff(slow);
                assertThat(infer(server)).isEqualTo(200);
                stop.set(true);
                trickle.join(5_000);
            } finally {
                stop.set(true);
                closeAll(slow);
            }
        }
    }

    @Test
    void silentConnectionsAreClosedButIdleKeepAliveConnectionsAreNot() throws Exception {
        try (TestServer server = start("server.header.timeout.ms=1500");
                RawClient silent = new RawClient(server.server().port());
                RawClient keepAlive = new RawClient(server.server().port())) {
            assertThat(keepAlive.exchange(RawClient.get("/v2/health/live"), 5_000))
                    .isEqualTo(200);
            // Connected but never sending a request: closed after the head deadline, not the 30 s idle timeout.
            assertThat(silent.closedWithin(6_000)).isTrue();
            // A keep-alive connection quiet between requests is the idle timeout's business.
            Thread.sleep(1_000);
            assertThat(keepAlive.exchange(RawClient.get("/v2/health/ready"), 5_000))
                    .isEqualTo(200);
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilOthersClose() throws Exception {
        try (TestServer server = start("server.max.connections=3")) {
            int port = server.server().port();
            List<RawClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawClient c = new RawClient(port);
                    assertThat(c.exchange(RawClient.get("/v2/health/live"), 5_000))
                            .isEqualTo(200);
                    held.add(c);
                }
                try (RawClient fourth = new RawClient(port)) {
                    // The TCP handshake completes in the kernel's accept queue, but the server does not take it.
                    fourth.send(RawClient.get("/v2/health/ready"));
                    assertThatThrownBy(() -> fourth.readHead(1_500)).isInstanceOf(SocketTimeoutException.class);
                    held.remove(0).close();
                    String head = fourth.readHead(5_000);
                    assertThat(head).startsWith("HTTP/1.1 200");
                }
                try (RawClient again = new RawClient(port)) {
                    assertThat(again.exchange(RawClient.get("/v2/health/ready"), 5_000))
                            .isEqualTo(200);
                }
            } finally {
                closeAll(held);
            }
        }
    }

    @Test
    void limitsAreValidatedAtStart() {
        assertThatThrownBy(() -> start("server.threads.max=4")).hasMessageContaining("server.threads.max must be >= 8");
        assertThatThrownBy(() -> start("server.max.connections=0"))
                .hasMessageContaining("server.max.connections must be");
        assertThatThrownBy(() -> start("server.min.request.data.rate=-1"))
                .hasMessageContaining("server.min.request.data.rate must be >= 0");
    }
}
