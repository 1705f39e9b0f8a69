package dev.hearth.store.hadoop;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.LockHeldException;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelMetadata;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.StoreLock;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files a crashed {@code models encrypt} or {@code models rekey} can leave inside a committed version directory: a
 * temporary metadata file ({@code _tmp.metadata.json.<uuid>}), a sealed twin {@code <file>.enc} of a version whose
 * committed metadata is still plaintext, and a plaintext twin {@code <file>} of a version whose committed metadata is
 * encrypted. Only these exact names count (a file the metadata does not name in either form is never touched), and
 * only when older than the grace period. Each is removed under the model's {@code keys} lock (so no encrypt or rekey
 * is writing it at that moment) after the committed metadata has been read again and still does not reference it.
 */
final class SealingLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(SealingLeftovers.class);
    static final String TMP_METADATA = ExclusiveCreator.TMP_PREFIX + StoreLayout.METADATA + ".";

    private final StoreLayout layout;
    private final FileSystem fs;
    private final LockFiles locks;
    private final MetadataJson json;

    SealingLeftovers(StoreLayout layout, LockFiles locks, MetadataJson json) {
        this.layout = layout;
        this.fs = layout.fs();
        this.locks = locks;
        this.json = json;
    }

    /** Adds the leftovers of the committed version {@code v} older than {@code grace} to {@code out}. */
    void plan(ModelVersion v, Duration grace, Instant now, List<GcCandidate> out) throws IOException {
        long limit = now.minus(grace).toEpochMilli();
        for (FileStatus st : layout.children(layout.version(v.name(), v.version()))) {
            String file = st.getPath().getName();
            String why = st.isFile() && st.getModificationTime() <= limit ? unreferenced(v.metadata(), file) : null;
            if (why != null) {
                out.add(new GcCandidate(
                        v.name(), null, st.getPath().toString(), why + ", older than the grace period " + grace));
            }
        }
    }

    /**
     * Removes one planned leftover if it is still unreferenced; returns why it was kept, or null when removed.
     *
     * @throws IOException on a file system failure
     */
    String remove(GcCandidate c) throws IOException {
        Path file = new Path(c.path());
        StoreLock lock;
        try {
            lock = locks.acquire(c.model(), VersionKeys.LOCK, "gc", Duration.ofMinutes(5));
        } catch (LockHeldException e) {
            return "an encrypt or rekey holds the model's keys lock";
        }
        try {
            Path meta = new Path(file.getParent(), StoreLayout.METADATA);
            if (!fs.exists(meta) || !fs.exists(file)) {
                return "gone since it was planned";
            }
            ModelMetadata current;
            try (InputStream in = fs.open(meta)) {
                current = json.read(in.readAllBytes(), meta.toString());
            }
            if (unreferenced(current, file.getName()) == null) {
                return "the committed metadata references it now";
            }
            LOG.info("GC removes {}: {}", c.path(), c.reason());
            fs.delete(file, false);
            return null;
        } finally {
            locks.release(lock);
        }
    }

    /** Why {@code file} in a version directory with this metadata is a crash leftover, or null when it is not. */
    static String unreferenced(ModelMetadata metadata, String file) {
        if (file.startsWith(TMP_METADATA)) {
            return "temporary metadata of an interrupted encrypt or rekey";
        }
        Set<String> files = metadata.files().keySet();
        boolean encrypted = metadata.encryption() != null;
        if (!encrypted
                && file.endsWith(StoreCrypto.SUFFIX)
                && files.contains(file.substring(0, file.length() - StoreCrypto.SUFFIX.length()))) {
            return "sealed copy of a plaintext version, left by an interrupted encrypt";
        }
        if (encrypted && files.contains(file)) {
            return "plaintext copy of an encrypted version, left by an interrupted encrypt";
        }
        return null;
    }
}
