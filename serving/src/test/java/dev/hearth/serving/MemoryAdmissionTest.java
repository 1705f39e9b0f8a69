package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.runtime.TestNetworks;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory admission control on a real server with a real client and raw sockets: shape bombs and oversized bodies
 * (v2 and v1) are refused fast without allocating what they declare; a declared length over the body limit is
 * refused before the body is read, a chunked one as it arrives; requests that would push the bytes in flight past
 * {@code server.max.inflight.bytes} get 503 with Retry-After at once while well-behaved clients keep getting 200.
 */
class MemoryAdmissionTest {
    /** Features of the wide model, as in the report (a 28x28 image). */
    private static final int WIDE = 784;

    private static final long BUDGET = 3_000_000;
    private static final long MAX_BODY = 2_500_000;
    /** Far below what any bomb here would allocate had its declaration been believed (31 MB and more). */
    private static final long SMALL_ALLOCATION = 8L << 20;

    @TempDir
    static Path dir;

    private static TestServer server;
    /** Client threads of their own: the common pool has one thread on two cores. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(3));
        publishWide(store);
        server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "server.max.inflight.bytes=" + BUDGET,
                "server.max.body.bytes=" + MAX_BODY);
    }

    @AfterAll
    static void stop() {
        THREADS.shutdownNow();
        server.close();
    }

    private static void publishWide(HadoopModelStore store) {
        MultiLayerNetwork net = TestNetworks.network(7, WIDE, 8, 3, true, null);
        Signature signature = new Signature("input", "FP32", WIDE, List.of(), List.of("a", "b", "c"), null);
        TestNetworks.publish(store, "wide", ModelFiles.DL4J_MULTILAYER, signature, net);
    }

    private static String ones(int n) {
        return n == 0 ? "" : "1" + ",1".repeat(n - 1);
    }

    private static String wide(String shape, int values) {
        return "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":" + shape + ",\"data\":["
                + ones(values) + "]}]}";
    }

    /** Bytes the server's HTTP threads allocated so far (this JVM runs the server). */
    private static long serverAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("hearth-http"))
                .mapToLong(Thread::getId)
                .toArray();
        assertThat(ids).as("the server's HTTP threads").isNotEmpty();
        long sum = 0;
        for (long allocated : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, allocated);
        }
        return sum;
    }

    /** Posts {@code body}; returns the response after checking it came fast and the server allocated little. */
    private static HttpResponse<String> postSmallAllocation(String path, String body) throws Exception {
        server.post("/v2/models/iris/infer", TestServer.request("warm", new float[] {1, 2, 3, 4}));
        long before = serverAllocatedBytes();
        long started = System.nanoTime();
        HttpResponse<String> r = server.post(path, body);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(serverAllocatedBytes() - before)
                .as("bytes the server allocated")
                .isLessThan(SMALL_ALLOCATION);
        return r;
    }

    @Test
    void aShapeBombIsRefusedFastWithoutAllocatingItsShape() throws Exception {
        HttpResponse<String> r = postSmallAllocation("/v2/models/wide/infer", wide("[65536,784]", 3));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body())
                .contains("inputs[0].shape[0] (rows) is 65536 but the server accepts at most 10000"
                        + " (server.max.rows)");
        // Within the row limit, 31 MB declared: believed, it would not even fit the 3 MB budget (503).
        r = postSmallAllocation("/v2/models/wide/versions/1/infer", wide("[10000,784]", 3));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("inputs[0].data has 3 values but shape needs 7840000");
        assertThat(server.post("/v2/models/wide/infer", wide("[1,784]", WIDE)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aV1BodyIsStreamedAndOnlyTheModelsWidthIsStored() throws Exception {
        // 2 MB of numbers in one row: a JSON tree of it alone would be tens of MB.
        HttpResponse<String> r =
                postSmallAllocation("/v1/models/wide:predict", "{\"instances\":[[" + ones(1_000_000) + "]]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("instances[0] must be an array of 784 numbers but had 1000000");
        r = postSmallAllocation("/v1/models/wide:predict", "{\"instances\":[" + "[],".repeat(10_000) + "[]]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body())
                .contains("'instances' has 10001 rows but the server accepts at most 10000 (server.max.rows)");
        r = server.post("/v1/models/wide:predict", "{\"instances\":[[" + ones(WIDE) + "],[" + ones(WIDE) + "]]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
        for (String path : List.of("/v2/models/wide/infer", "/v1/models/wide:predict")) {
            // A client that waits for 100 Continue sends no body at all; Jetty dispatches at once.
            try (RawHttp raw = RawHttp.connect(server.url(), 10_000)) {
                raw.head("POST", path, "Content-Length: " + (MAX_BODY + 1), "Expect: 100-continue");
                assertTooLarge(raw.read());
            }
            // Otherwise Jetty dispatches on the first byte of the body: the rest never comes, and is not awaited.
            try (RawHttp raw = RawHttp.connect(server.url(), 10_000)) {
                raw.head("POST", path, "Content-Length: " + (MAX_BODY + 1));
                raw.send("{".getBytes(StandardCharsets.US_ASCII));
                assertTooLarge(raw.read());
            }
        }
    }

    private static void assertTooLarge(RawHttp.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.body()).contains("larger than the server's limit");
    }

    @Test
    void aChunkedBodyIsCountedAsItArrives() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.url(), 30_000)) {
            raw.head("POST", "/v2/models/wide/infer", "Transfer-Encoding: chunked");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(
                    () -> {
                        byte[] spaces = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                        raw.sendChunk("{\"id\":".getBytes(StandardCharsets.US_ASCII));
                        for (long sent = 0; sent <= 2 * MAX_BODY && raw.sendChunk(spaces); sent += spaces.length) {
                            // keeps sending until the server answers and closes, or twice the limit went out
                        }
                    },
                    THREADS);
            RawHttp.Response r = raw.read();
            assertThat(r.status()).as(r.body()).isEqualTo(413);
            raw.close();
            writer.join();
        }
    }

    @Test
    void requestsThatWouldExceedTheInFlightBudgetGet503WhileWellBehavedClientsSucceed() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            String big = wide("[300,784]", 300 * WIDE);
            ConcurrentLinkedQueue<Integer> wellBehaved = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Void>> clients = List.of(client(stop, wellBehaved), client(stop, wellBehaved));
            try (RawHttp slow = RawHttp.connect(server.url(), 30_000)) {
                // A client that sends 400 kB of a 2 MB body and stalls: the server holds what arrived.
                slow.head("POST", "/v2/models/wide/infer", "Content-Length: 2000000");
                slow.send(("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[10000,784],\"data\":["
                                + "1,".repeat(200_000))
                        .getBytes(StandardCharsets.US_ASCII));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> server.server().inFlightBytes() > 1_150_000);

                // A declared length that cannot fit now is refused before a byte of its body is read...
                try (RawHttp raw = RawHttp.connect(server.url(), 10_000)) {
                    raw.head("POST", "/v2/models/wide/infer", "Content-Length: 2000000");
                    raw.send("{".getBytes(StandardCharsets.US_ASCII));
                    assertOverloaded(raw.read());
                }
                // ... and a complete valid request is refused once its values would exceed the budget.
                try (RawHttp raw = RawHttp.connect(server.url(), 30_000)) {
                    byte[] body = big.getBytes(StandardCharsets.US_ASCII);
                    raw.head("POST", "/v2/models/wide/infer", "Content-Length: " + body.length);
                    CompletableFuture<Boolean> writer = CompletableFuture.supplyAsync(() -> raw.send(body), THREADS);
                    assertOverloaded(raw.read());
                    raw.close();
                    writer.join();
                }
            }
            // The stalled client is gone: its bytes are given back and the same request succeeds.
            await().atMost(Duration.ofSeconds(30)).until(() -> server.server().inFlightBytes() < 10_000);
            HttpResponse<String> r = server.post("/v2/models/wide/infer", big);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            stop.set(true);
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).join();
            assertThat(wellBehaved).isNotEmpty().containsOnly(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.server().inFlightBytes() == 0);
        });
    }

    private static void assertOverloaded(RawHttp.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("retry-after", "1");
        assertThat(r.body()).contains("(server.max.inflight.bytes)");
    }

    /** A well-behaved client: single-row requests until stopped, recording each status. */
    private static CompletableFuture<Void> client(AtomicBoolean stop, ConcurrentLinkedQueue<Integer> statuses) {
        return CompletableFuture.runAsync(
                () -> {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            statuses.add(server.post(
                                            "/v2/models/iris/infer",
                                            TestServer.infer("ok-" + i, "[1,4]", "[" + i % 10 + ",2,3,4]"))
                                    .statusCode());
                            Thread.sleep(5);
                        } catch (Exception e) {
                            statuses.add(-1);
                        }
                    }
                },
                THREADS);
    }
}
