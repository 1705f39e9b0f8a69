package dev.hearth.bench.abuse;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * A hostile HTTP load: several sender threads, each with its own {@link HttpClient}, send the requests a
 * generator builds, up to a total rate, for a bounded time, and count what comes back. A sender waits for each
 * answer (a server that stops answering slows the load down rather than piling up connections); answers are
 * read and discarded.
 */
final class HttpFlood {
    /** Hostile requests get longer than well-behaved ones: a bomb may take the server a while to refuse. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final int threads;
    private final double rate;

    /**
     * @param threads concurrent senders
     * @param rate most requests per second, all senders together
     */
    HttpFlood(int threads, double rate) {
        this.threads = threads;
        this.rate = rate;
    }

    /**
     * Sends {@code requests.apply(i)} for i = 0, 1, ... for {@code duration}, then waits for the answers still
     * outstanding (at most the request timeout), counting into {@code counts}.
     */
    void run(Duration duration, LongFunction<HttpRequest.Builder> requests, StatusCounts counts)
            throws InterruptedException {
        run(duration, requests, counts, Long.MAX_VALUE);
    }

    /** As {@link #run(Duration, LongFunction, StatusCounts)}, but stops after {@code limit} requests. */
    void run(Duration duration, LongFunction<HttpRequest.Builder> requests, StatusCounts counts, long limit)
            throws InterruptedException {
        AtomicLong sequence = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long period = (long) (1e9 * threads / rate);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long offset = period * t / threads;
            Thread sender = new Thread(
                    () -> send(counts, sequence, requests, end, period, offset, limit), "abuse-hostile-" + t);
            sender.setDaemon(true);
            senders.add(sender);
            sender.start();
        }
        for (Thread s : senders) {
            s.join(duration.toMillis() + TIMEOUT.toMillis() + 5_000);
        }
        for (Thread s : senders) {
            s.interrupt();
        }
    }

    private static void send(
            StatusCounts counts,
            AtomicLong sequence,
            LongFunction<HttpRequest.Builder> requests,
            long end,
            long period,
            long offset,
            long limit) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        long next = System.nanoTime() + offset;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            if (next > now) {
                LockSupport.parkNanos(Math.min(next, end) - now);
                continue;
            }
            next = Math.max(next + period, now);
            long i = sequence.getAndIncrement();
            if (i >= limit) {
                return;
            }
            HttpRequest request = requests.apply(i).timeout(TIMEOUT).build();
            counts.sending();
            try {
                HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                counts.answered(
                        r.statusCode(), r.headers().firstValue("Retry-After").isPresent());
            } catch (IOException e) {
                counts.failed(e);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
