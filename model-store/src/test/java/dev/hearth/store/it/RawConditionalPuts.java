package dev.hearth.store.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Measures whether an endpoint's {@code If-None-Match: *} is atomic: {@code racers} threads PUT the same new key at
 * once (a barrier), for each of {@code keys} keys, and count the 200s per key (exactly one when atomic). Unsigned
 * requests: only for S3Mock, which does not check signatures.
 */
final class RawConditionalPuts {
    private RawConditionalPuts() {}

    static int[] race(String endpoint, String bucket, String prefix, int keys, int racers) throws Exception {
        int[] winners = new int[keys];
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            for (int k = 0; k < keys; k++) {
                URI uri = URI.create(endpoint + "/" + bucket + "/" + prefix + "/key-" + k);
                CyclicBarrier barrier = new CyclicBarrier(racers);
                List<Future<Integer>> codes = new ArrayList<>();
                for (int r = 0; r < racers; r++) {
                    byte[] body = ("racer " + r).getBytes(StandardCharsets.UTF_8);
                    codes.add(pool.submit(() -> {
                        barrier.await(30, TimeUnit.SECONDS);
                        return put(uri, body);
                    }));
                }
                for (Future<Integer> f : codes) {
                    int code = f.get(60, TimeUnit.SECONDS);
                    if (code == 200) {
                        winners[k]++;
                    } else if (code != 412) {
                        throw new IllegalStateException("conditional PUT of " + uri + " answered " + code);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        return winners;
    }

    private static int put(URI uri, byte[] body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(20000);
        c.setRequestProperty("If-None-Match", "*");
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int code = c.getResponseCode();
        c.disconnect();
        return code;
    }
}
