package dev.hearth.serving.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Closed-loop clients (one thread per connection) sending valid inference requests to one URL until stopped,
 * recording every answer: when it was sent and received, the status, the replica (HAProxy's {@code Hearth-Replica}
 * header), the version and the routing key.
 */
final class LoadClients implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer; {@code status} 0 for an I/O error. */
    record Answer(long sentNanos, long doneNanos, int status, String replica, int version, String key, int row,
            String error) {
        boolean failed() {
            return status != 200;
        }
    }

    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param rows the request bodies' rows, one picked at random per request
     * @param keys routing key per request number (null: no header)
     */
    LoadClients(String url, String token, int connections, float[][] rows, IntFunction<String> keys) {
        for (int c = 0; c < connections; c++) {
            int seed = c;
            Thread t = new Thread(() -> loop(url, token, rows, keys, seed), "load-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void loop(String url, String token, float[][] rows, IntFunction<String> keys, int seed) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Random random = new Random(seed);
        for (int n = seed * 1_000_000; running.get(); n++) {
            int row = random.nextInt(rows.length);
            String key = keys == null ? null : keys.apply(n);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/v2/models/iris/infer"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(body(rows[row], n)));
            if (key != null) {
                b.header("hearth-routing-key", key);
            }
            long sent = System.nanoTime();
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                int version = 0;
                if (r.statusCode() == 200) {
                    JsonNode body = JSON.readTree(r.body());
                    version = Integer.parseInt(body.get("model_version").asText());
                }
                answers.add(new Answer(sent, System.nanoTime(), r.statusCode(),
                        r.headers().firstValue("Hearth-Replica").orElse("?"), version, key, row,
                        r.statusCode() == 200 ? null : r.body()));
            } catch (Exception e) {
                answers.add(new Answer(sent, System.nanoTime(), 0, "?", 0, key, row, e.toString()));
            }
        }
    }

    static String body(float[] row, int id) {
        StringBuilder b = new StringBuilder("{\"id\":\"").append(id)
                .append("\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,").append(row.length)
                .append("],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < row.length; i++) {
            b.append(i == 0 ? "" : ",").append(row[i]);
        }
        return b.append("]}]}").toString();
    }

    /** Answers received so far whose request was sent at or after {@code fromNanos}, and removes nothing. */
    List<Answer> since(long fromNanos) {
        return answers.stream().filter(a -> a.sentNanos() >= fromNanos).toList();
    }

    List<Answer> all() {
        return List.copyOf(answers);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(40_000);
        }
    }
}
