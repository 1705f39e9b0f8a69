package dev.hearth.serving.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Closed-loop clients (one thread and one {@link InferenceClient} connection pool per client) sending valid
 * inference requests to one server or balancer until closed, recording every answer: when it was sent and received,
 * the status, the replica (HAProxy's {@code Hearth-Replica} header), the version and the routing key. Used by the
 * fleet's integration test and its benchmark, so both measure with the same client.
 */
public final class LoadClients implements AutoCloseable {
    /** One answer; {@code status} 0 for an I/O error (no HTTP answer). */
    public record Answer(
            long sentNanos,
            long doneNanos,
            int status,
            String replica,
            int version,
            String key,
            int row,
            String error) {
        /** True unless the server answered 200. */
        public boolean failed() {
            return status != 200;
        }
    }

    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /**
     * Starts {@code connections} clients.
     *
     * @param url the server's (or balancer's) base URL
     * @param model the model to call
     * @param rows the request rows, one picked at random per request
     * @param keys routing key per request number (null: no header)
     */
    public LoadClients(
            String url, String token, String model, int connections, float[][] rows, IntFunction<String> keys) {
        for (int c = 0; c < connections; c++) {
            int seed = c;
            InferenceClient client =
                    InferenceClient.builder(url).optToken(token).build();
            Thread t = new Thread(() -> loop(client, model, rows, keys, seed), "load-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void loop(InferenceClient client, String model, float[][] rows, IntFunction<String> keys, int seed) {
        Random random = new Random(seed);
        for (int n = seed * 1_000_000; running.get(); n++) {
            int row = random.nextInt(rows.length);
            String key = keys == null ? null : keys.apply(n);
            InferRequest request = InferRequest.ofRows(Integer.toString(n), rows[row]);
            long sent = System.nanoTime();
            try {
                InferResponse r =
                        client.infer(model, request, key == null ? Map.of() : Map.of("hearth-routing-key", key));
                answers.add(new Answer(
                        sent,
                        System.nanoTime(),
                        200,
                        r.header("Hearth-Replica").orElse("?"),
                        Integer.parseInt(r.modelVersion()),
                        key,
                        row,
                        null));
            } catch (InferenceException e) {
                answers.add(new Answer(
                        sent,
                        System.nanoTime(),
                        e.status(),
                        e.header("Hearth-Replica").orElse("?"),
                        0,
                        key,
                        row,
                        e.serverMessage()));
            } catch (RuntimeException e) {
                answers.add(new Answer(sent, System.nanoTime(), 0, "?", 0, key, row, e.toString()));
            }
        }
    }

    /** Answers received so far whose request was sent at or after {@code fromNanos}. */
    public List<Answer> since(long fromNanos) {
        return answers.stream().filter(a -> a.sentNanos() >= fromNanos).toList();
    }

    /** Every answer received so far. */
    public List<Answer> all() {
        return List.copyOf(answers);
    }

    /** Stops the clients (each finishes its request in flight, within 40 s). */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(40).toMillis());
        }
    }
}
