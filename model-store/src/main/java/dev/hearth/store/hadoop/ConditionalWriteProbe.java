package dev.hearth.store.hadoop;

import com.amazonaws.AmazonServiceException;
import dev.hearth.store.ModelStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once, when a store on an object store opens, how exclusive creates are made: PUTs a probe object
 * {@code <root>/_tmp.probe-<uuid>} twice with {@code If-None-Match: *}; the first PUT must succeed and the second be
 * refused with 412. Then {@value #RACERS} threads PUT a new key at once ({@value #RACE_ROUNDS} keys, one after the
 * other): exactly one may succeed each time, because an
 * endpoint that checks and writes in two steps (S3Mock 4.11.0) passes the sequential test but lets racing
 * publishers both win. Anything else (the header ignored, 501, 400, several racers winning) falls back to
 * {@link UncheckedCreate}. {@value #CONF_KEY}{@code =off} skips the probe and never uses conditional PUTs;
 * {@code =on} skips it and always uses them (an endpoint known to be atomic, e.g. AWS S3).
 */
final class ConditionalWriteProbe {
    /** Hadoop configuration key: {@code probe} (default) or {@code off}. */
    static final String CONF_KEY = StoreHadoopSettings.CONDITIONAL_WRITES;

    /** Threads racing to create one key in the probe. */
    static final int RACERS = 8;
    /** Keys raced for, one after the other (a non-atomic endpoint can let exactly one racer win by chance). */
    static final int RACE_ROUNDS = 5;

    private static final long RACE_TIMEOUT_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ConditionalWriteProbe.class);

    private ConditionalWriteProbe() {}

    static ExclusiveCreate choose(FileSystem fs, Path root, Configuration conf) {
        String setting = conf.getTrimmed(CONF_KEY, StoreHadoopSettings.CONDITIONAL_WRITES_DEFAULT)
                .toLowerCase(Locale.ROOT);
        if (!setting.equals("probe") && !setting.equals("off") && !setting.equals("on")) {
            throw new IllegalArgumentException(CONF_KEY + " must be 'probe', 'on' or 'off' but was '" + setting + "'");
        }
        if (setting.equals("off")) {
            return new UncheckedCreate(fs, CONF_KEY + "=off");
        }
        if (!S3ConditionalPut.applies(fs)) {
            return new UncheckedCreate(
                    fs, "no conditional PUT for scheme " + fs.getUri().getScheme());
        }
        String endpoint = conf.getTrimmed("fs.s3a.endpoint", "the default AWS endpoint");
        if (setting.equals("on")) {
            LOG.info("Store {}: conditional PUTs on {} without a probe ({}=on)", root, endpoint, CONF_KEY);
            return new S3ConditionalPut(fs, endpoint);
        }
        try {
            return probeS3(fs, root, endpoint);
        } catch (com.amazonaws.SdkClientException e) {
            throw new ModelStoreException(
                    "cannot open store " + root + ": the conditional-write probe could not " + "reach " + endpoint
                            + ": " + e.getMessage(),
                    e);
        }
    }

    private static ExclusiveCreate probeS3(FileSystem fs, Path root, String endpoint) {
        S3ConditionalPut put = new S3ConditionalPut(fs, endpoint);
        String key = put.key(new Path(root, ExclusiveCreator.TMP_PREFIX + "probe-" + UUID.randomUUID()));
        byte[] body = "conditional write probe\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            try {
                put.put(key, body);
            } catch (AmazonServiceException e) {
                return fallback(
                        fs,
                        endpoint,
                        "a PUT with If-None-Match: * on a new key failed with HTTP " + e.getStatusCode() + " "
                                + e.getErrorCode());
            }
            try {
                put.put(key, body);
            } catch (AmazonServiceException e) {
                if (e.getStatusCode() == 412) {
                    int winners = 1;
                    for (int round = 0; round < RACE_ROUNDS && winners == 1; round++) {
                        winners = race(put, key + "-race" + round);
                    }
                    if (winners != 1) {
                        return fallback(
                                fs,
                                endpoint,
                                "it refused a second PUT with 412, but " + winners + " of " + RACERS
                                        + " concurrent PUTs of one new key succeeded (check and write are not atomic)");
                    }
                    LOG.info(
                            "Store {}: {} honours conditional writes (second PUT of the probe refused with 412, "
                                    + "one of {} racing PUTs won)",
                            root,
                            endpoint,
                            RACERS);
                    return put;
                }
                return fallback(
                        fs,
                        endpoint,
                        "the second PUT of the probe failed with HTTP " + e.getStatusCode() + " " + e.getErrorCode()
                                + " instead of 412");
            }
            return fallback(fs, endpoint, "it ignored If-None-Match: * (a second PUT of the probe overwrote it)");
        } finally {
            try {
                put.delete(key);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the conditional-write probe {}: {}", key, e.getMessage());
            }
        }
    }

    /** How many of {@value #RACERS} simultaneous conditional PUTs of {@code key} succeed; deletes the key after. */
    private static int race(S3ConditionalPut put, String key) {
        byte[] body = "conditional write race\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CyclicBarrier start = new CyclicBarrier(RACERS);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                results.add(pool.submit(() -> {
                    start.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    try {
                        put.put(key, body);
                        return true;
                    } catch (AmazonServiceException e) {
                        if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
                            return false;
                        }
                        throw e;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                if (f.get(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    winners++;
                }
            }
            return winners;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re
                    ? re
                    : new ModelStoreException("conditional-write probe failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ModelStoreException("conditional-write probe did not finish: " + e, e);
        } finally {
            pool.shutdownNow();
            try {
                put.delete(key);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the conditional-write probe {}: {}", key, e.getMessage());
            }
        }
    }

    private static ExclusiveCreate fallback(FileSystem fs, String endpoint, String why) {
        String reason = "endpoint " + endpoint + " does not honour conditional writes: " + why;
        LOG.warn(
                "{}; exclusive creates fall back to create(overwrite=false): run one publisher and one alias "
                        + "writer per model at a time",
                reason);
        return new UncheckedCreate(fs, reason);
    }
}
