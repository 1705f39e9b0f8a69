package dev.hearth.store.hadoop;

import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.FileEntry;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelMetadata;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.StoreLock;
import dev.hearth.store.crypto.DataKey;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes how a committed version is sealed without changing anything else about it (number, files' plaintext,
 * aliases, audit): {@link #encrypt} converts a plaintext version in place, {@link #rekey} re-wraps an encrypted
 * version's data key under its master key's current version. Both commit by replacing {@code metadata.json} in one
 * atomic rename (the crash-safety argument is in the module README) and hold the model's {@code keys} lock, so two
 * of them never work on one model at once.
 */
final class VersionKeys {
    private static final Logger LOG = LoggerFactory.getLogger(VersionKeys.class);
    static final String LOCK = "keys";
    static final Duration LOCK_TTL = Duration.ofMinutes(30);
    static final String ENCRYPT = "encrypt";
    static final String REKEY = "rekey";

    private final StoreLayout layout;
    private final FileSystem fs;
    private final CommitMode mode;
    private final AtomicRename renames;
    private final MetadataJson json;
    private final StoreCrypto crypto;
    private final VerifiedReader reader;
    private final LockFiles locks;
    private final AuditFiles audit;

    VersionKeys(
            StoreLayout layout,
            CommitMode mode,
            AtomicRename renames,
            MetadataJson json,
            StoreCrypto crypto,
            VerifiedReader reader,
            LockFiles locks,
            AuditFiles audit) {
        this.layout = layout;
        this.fs = layout.fs();
        this.mode = mode;
        this.renames = renames;
        this.json = json;
        this.crypto = crypto;
        this.reader = reader;
        this.locks = locks;
        this.audit = audit;
    }

    /** What a call did. */
    record Outcome(ModelVersion version, boolean changed, String detail) {}

    /**
     * Encrypts a plaintext version in place under {@code keyName}: seals every file next to its plaintext
     * ({@code <file>.enc}, checking the plaintext's SHA-256 on the way), replaces the metadata, then removes the
     * plaintext. An encrypted version is left as it is, except for plaintext a crashed earlier run left behind.
     */
    Outcome encrypt(String name, int version, String keyName, String reason) throws IOException {
        StoreLock lock = locks.acquire(name, LOCK, "models encrypt", LOCK_TTL);
        try {
            ModelVersion v = load(name, version);
            Path dir = layout.version(name, version);
            if (v.metadata().encryption() != null) {
                int removed = removePlaintext(dir, v.metadata());
                return new Outcome(
                        v,
                        false,
                        "already encrypted with " + v.metadata().encryption().keyVersion()
                                + (removed > 0
                                        ? "; removed " + removed + " plaintext file(s) an interrupted run left"
                                        : ""));
            }
            DataKey key = crypto.newDataKeyUnder(keyName);
            for (Map.Entry<String, FileEntry> f : v.metadata().files().entrySet()) {
                seal(dir, f.getKey(), f.getValue(), key);
            }
            ModelMetadata sealed = v.metadata().withEncryption(key.info());
            replaceMetadata(dir, sealed);
            removePlaintext(dir, sealed);
            String detail = "encrypted under master key " + key.info().keyVersion();
            audit.record(name, ENCRYPT, version, join(detail, reason));
            LOG.info(
                    "Encrypted {}/{} in place under master key {}",
                    name,
                    version,
                    key.info().keyVersion());
            return new Outcome(new ModelVersion(name, version, v.location(), sealed), true, detail);
        } finally {
            locks.release(lock);
        }
    }

    /**
     * Re-wraps the data key of an encrypted version under its master key's current version; a version already
     * wrapped by it, or in plaintext, is left as it is.
     */
    Outcome rekey(String name, int version, String reason) throws IOException {
        StoreLock lock = locks.acquire(name, LOCK, "models rekey", LOCK_TTL);
        try {
            ModelVersion v = load(name, version);
            EncryptionInfo info = v.metadata().encryption();
            if (info == null) {
                return new Outcome(v, false, "plaintext (use models encrypt)");
            }
            EncryptionInfo again = crypto.rewrap(info, v.ref().toString());
            if (again.keyVersion().equals(info.keyVersion())) {
                return new Outcome(v, false, "already wrapped by the current version " + info.keyVersion());
            }
            ModelMetadata rewrapped = v.metadata().withEncryption(again);
            replaceMetadata(layout.version(name, version), rewrapped);
            String detail = "data key re-wrapped from " + info.keyVersion() + " to " + again.keyVersion();
            audit.record(name, REKEY, version, join(detail, reason));
            LOG.info("Re-keyed {}/{}: {}", name, version, detail);
            return new Outcome(new ModelVersion(name, version, v.location(), rewrapped), true, detail);
        } finally {
            locks.release(lock);
        }
    }

    private ModelVersion load(String name, int version) throws IOException {
        Path dir = layout.version(name, version);
        Path meta = new Path(dir, StoreLayout.METADATA);
        byte[] bytes;
        try (InputStream in = fs.open(meta)) {
            bytes = in.readAllBytes();
        }
        return new ModelVersion(name, version, dir.toString(), json.read(bytes, meta.toString()));
    }

    /** Streams the verified plaintext of one file into {@code <file>.enc}, hashing it again on the way in. */
    private void seal(Path dir, String file, FileEntry entry, DataKey key) throws IOException {
        Path plain = new Path(dir, file);
        Path sealed = new Path(dir, file + StoreCrypto.SUFFIX);
        // Overwrite: a partial .enc of an interrupted run is never referenced by the metadata.
        FileEntry written = Publisher.writeHashed(
                fs,
                crypto,
                sealed,
                out -> {
                    try (InputStream in = fs.open(plain)) {
                        in.transferTo(out);
                    }
                },
                key,
                file,
                true);
        if (!written.sha256().equals(entry.sha256()) || written.size() != entry.size()) {
            fs.delete(sealed, false);
            throw new IntegrityException(plain.toString(), entry.sha256(), written.sha256());
        }
    }

    /**
     * The commit step: the new metadata is written and synced under a temporary name, then renamed over
     * {@code metadata.json} in one step (readers see the old or the new file, never a mix). In marker mode (object
     * stores, where rename is a copy) the file is overwritten in one PUT, which object stores also show whole.
     */
    private void replaceMetadata(Path dir, ModelMetadata metadata) throws IOException {
        byte[] bytes = json.write(metadata);
        Path target = new Path(dir, StoreLayout.METADATA);
        if (mode == CommitMode.MARKER) {
            try (FSDataOutputStream out = fs.create(target, true)) {
                out.write(bytes);
                out.hsync();
            }
            return;
        }
        Path tmp = new Path(dir, ExclusiveCreator.TMP_PREFIX + StoreLayout.METADATA + "." + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
                out.hsync();
            }
            renames.replace(tmp, target);
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }

    /** Deletes plaintext files of an encrypted version (left by an interrupted encrypt); returns how many. */
    private int removePlaintext(Path dir, ModelMetadata sealed) throws IOException {
        int n = 0;
        for (String f : sealed.files().keySet()) {
            if (fs.delete(new Path(dir, f), false)) {
                n++;
            }
        }
        return n;
    }

    private static String join(String detail, String reason) {
        return reason == null || reason.isBlank() ? detail : detail + "; " + reason;
    }

    static void requireKeyName(String model, String keyName) {
        if (keyName == null) {
            throw new KeyUnavailableException(
                    null,
                    null,
                    "no master key is configured for model '" + model
                            + "' (set store.encryption.key.name, or store.encryption.key.overrides for this model)",
                    null);
        }
    }
}
