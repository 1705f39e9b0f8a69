package dev.hearth.store.hadoop;

import com.amazonaws.AmazonServiceException;
import dev.hearth.store.ModelStoreException;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once, when a store on an object store opens, how exclusive creates are made: PUTs a probe object
 * {@code <root>/_tmp.probe-<uuid>} twice with {@code If-None-Match: *}; the endpoint honours conditional writes when
 * the first PUT succeeds and the second is refused with 412. Anything else (the header ignored, 501, 400) falls
 * back to {@link UncheckedCreate}. {@value #CONF_KEY}{@code =off} skips the probe.
 */
final class ConditionalWriteProbe {
    /** Hadoop configuration key: {@code probe} (default) or {@code off}. */
    static final String CONF_KEY = "hearth.store.conditional-writes";

    private static final Logger LOG = LoggerFactory.getLogger(ConditionalWriteProbe.class);

    private ConditionalWriteProbe() {}

    static ExclusiveCreate choose(FileSystem fs, Path root, Configuration conf) {
        String setting = conf.getTrimmed(CONF_KEY, "probe").toLowerCase(Locale.ROOT);
        if (!setting.equals("probe") && !setting.equals("off")) {
            throw new IllegalArgumentException(CONF_KEY + " must be 'probe' or 'off' but was '" + setting + "'");
        }
        if (setting.equals("off")) {
            return new UncheckedCreate(fs, CONF_KEY + "=off");
        }
        if (!S3ConditionalPut.applies(fs)) {
            return new UncheckedCreate(fs, "no conditional PUT for scheme " + fs.getUri().getScheme());
        }
        String endpoint = conf.getTrimmed("fs.s3a.endpoint", "the default AWS endpoint");
        try {
            return probeS3(fs, root, endpoint);
        } catch (com.amazonaws.SdkClientException e) {
            throw new ModelStoreException("cannot open store " + root + ": the conditional-write probe could not "
                    + "reach " + endpoint + ": " + e.getMessage(), e);
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
                return fallback(fs, endpoint, "a PUT with If-None-Match: * on a new key failed with HTTP "
                        + e.getStatusCode() + " " + e.getErrorCode());
            }
            try {
                put.put(key, body);
            } catch (AmazonServiceException e) {
                if (e.getStatusCode() == 412) {
                    LOG.info("Store {}: {} honours conditional writes (second PUT of the probe refused with 412)",
                            root, endpoint);
                    return put;
                }
                return fallback(fs, endpoint, "the second PUT of the probe failed with HTTP " + e.getStatusCode()
                        + " " + e.getErrorCode() + " instead of 412");
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

    private static ExclusiveCreate fallback(FileSystem fs, String endpoint, String why) {
        String reason = "endpoint " + endpoint + " does not honour conditional writes: " + why;
        LOG.warn("{}; exclusive creates fall back to create(overwrite=false): run one publisher and one alias "
                + "writer per model at a time", reason);
        return new UncheckedCreate(fs, reason);
    }
}
