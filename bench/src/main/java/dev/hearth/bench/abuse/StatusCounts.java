package dev.hearth.bench.abuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a hostile load got back, counted from many threads: requests sent, answers by status class (2xx, 4xx, 503
 * and how many of those carried {@code Retry-After}, other 5xx), transport errors (reset, timeout, refused), every
 * distinct status, and the first few error messages.
 */
final class StatusCounts {
    private static final int SAMPLES = 5;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong client = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong retryAfter = new AtomicLong();
    private final AtomicLong server = new AtomicLong();
    private final AtomicLong other = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final List<String> errorSamples = new ArrayList<>();

    /** Counts one request as sent (call before sending, so requests that never return still count). */
    void sending() {
        sent.incrementAndGet();
    }

    /** Counts one answer. */
    void answered(int status, boolean hasRetryAfter) {
        byStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        if (status >= 200 && status < 300) {
            ok.incrementAndGet();
        } else if (status >= 400 && status < 500) {
            client.incrementAndGet();
        } else if (status == 503) {
            unavailable.incrementAndGet();
            if (hasRetryAfter) {
                retryAfter.incrementAndGet();
            }
        } else if (status >= 500) {
            server.incrementAndGet();
        } else {
            other.incrementAndGet();
        }
    }

    /** Counts one request that got no HTTP answer. */
    void failed(Throwable e) {
        errors.incrementAndGet();
        synchronized (errorSamples) {
            if (errorSamples.size() < SAMPLES) {
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                errorSamples.add(root.getClass().getSimpleName() + ": " + root.getMessage());
            }
        }
    }

    long sent() {
        return sent.get();
    }

    long ok() {
        return ok.get();
    }

    long clientErrors() {
        return client.get();
    }

    long unavailable() {
        return unavailable.get();
    }

    long unavailableWithRetryAfter() {
        return retryAfter.get();
    }

    long serverErrors() {
        return server.get();
    }

    long errors() {
        return errors.get();
    }

    /** Answers with the given status. */
    long count(int status) {
        AtomicLong n = byStatus.get(status);
        return n == null ? 0 : n.get();
    }

    /** JSON-ready figures. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sent", sent.get());
        m.put("2xx", ok.get());
        m.put("4xx", client.get());
        m.put("503", unavailable.get());
        m.put("503WithRetryAfter", retryAfter.get());
        m.put("5xxOther", server.get());
        m.put("otherStatus", other.get());
        m.put("errors", errors.get());
        Map<String, Long> statuses = new TreeMap<>();
        byStatus.forEach((s, n) -> statuses.put(Integer.toString(s), n.get()));
        m.put("byStatus", statuses);
        synchronized (errorSamples) {
            m.put("errorSamples", List.copyOf(errorSamples));
        }
        return m;
    }
}
