package dev.hearth.store.hadoop;

import dev.hearth.store.FileEntry;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelDescription;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelMetadata;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.crypto.DataKey;
import dev.hearth.store.crypto.EncryptingOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a new version and commits it in one atomic step ({@link CommitMode}). Version numbers come from an
 * exclusive create of {@code ids/<n>}, so concurrent publishers on any number of machines get distinct numbers
 * and a number is never reused, even after its version is deleted.
 */
final class Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

    private final StoreLayout layout;
    private final FileSystem fs;
    private final ExclusiveCreator exclusive;
    private final CommitMode mode;
    private final AtomicRename renames;
    private final MetadataJson json;
    private final StoreCrypto crypto;

    Publisher(
            StoreLayout layout,
            ExclusiveCreator exclusive,
            CommitMode mode,
            AtomicRename renames,
            MetadataJson json,
            StoreCrypto crypto) {
        this.crypto = crypto;
        this.layout = layout;
        this.fs = layout.fs();
        this.exclusive = exclusive;
        this.mode = mode;
        this.renames = renames;
        this.json = json;
    }

    ModelVersion publish(String name, ModelDraft draft) throws IOException {
        return mode == CommitMode.RENAME ? publishByRename(name, draft) : publishByMarker(name, draft);
    }

    /**
     * Stage, reserve, rename: a crash at any point leaves no {@code versions/<n>} at all. The rename is atomic and
     * refuses an existing target ({@link AtomicRename#noReplace}); when it fails the publish fails and the store
     * is as before (the number stays reserved, staging is removed), never a copy or a nested directory.
     */
    private ModelVersion publishByRename(String name, ModelDraft draft) throws IOException {
        Path staging = new Path(
                layout.dir(name, StoreLayout.STAGING), UUID.randomUUID().toString());
        try {
            fs.mkdirs(staging);
            DataKey key = crypto.newDataKey(name);
            Map<String, FileEntry> files = writeFiles(staging, draft, key);
            int version = allocate(name);
            ModelMetadata metadata = writeMetadataAndMarker(staging, name, version, draft, files, key);
            Path target = layout.version(name, version);
            fs.mkdirs(target.getParent());
            try {
                renames.noReplace(staging, target);
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                throw new ModelStoreException(
                        "cannot commit " + name + "/" + version + ": " + target
                                + " already exists (not made by this publish; nothing was changed, remove it or run gc)",
                        e);
            } catch (IOException e) {
                throw new ModelStoreException(
                        "cannot commit " + name + "/" + version + ": atomic rename of " + staging + " to " + target
                                + " failed (nothing was committed): " + e.getMessage(),
                        e);
            }
            LOG.info("Published {}/{} to {}", name, version, target);
            return new ModelVersion(name, version, target.toString(), metadata);
        } finally {
            try {
                fs.delete(staging, true);
            } catch (IOException e) {
                LOG.warn("Could not remove staging directory {}: {}", staging, e.getMessage());
            }
        }
    }

    /** Reserve, write in place, marker last: readers ignore the directory until the marker exists. */
    private ModelVersion publishByMarker(String name, ModelDraft draft) throws IOException {
        DataKey key = crypto.newDataKey(name);
        int version = allocate(name);
        Path target = layout.version(name, version);
        ModelMetadata metadata;
        try {
            metadata = metadata(name, version, draft, writeFiles(target, draft, key), key);
            byte[] meta = json.write(metadata);
            writeHashed(new Path(target, StoreLayout.METADATA), out -> out.write(meta));
        } catch (IOException | RuntimeException e) {
            fs.delete(target, true);
            throw e;
        }
        if (!exclusive.create(new Path(target, StoreLayout.COMMITTED), marker(version))) {
            throw new ModelStoreException("cannot commit " + name + "/" + version + ": " + target
                    + "/_COMMITTED already exists (two publishers got the same number; see README on S3)");
        }
        LOG.info("Published {}/{} to {}", name, version, target);
        return new ModelVersion(name, version, target.toString(), metadata);
    }

    /** Writes the draft's files, each sealed as {@code <name>.enc} when {@code key} is not null. */
    private Map<String, FileEntry> writeFiles(Path dir, ModelDraft draft, DataKey key) throws IOException {
        Map<String, FileEntry> files = new LinkedHashMap<>();
        for (Map.Entry<String, ModelDraft.FileWriter> f : draft.files().entrySet()) {
            String stored = key == null ? f.getKey() : f.getKey() + StoreCrypto.SUFFIX;
            files.put(f.getKey(), writeHashed(new Path(dir, stored), f.getValue(), key, f.getKey()));
        }
        return files;
    }

    private ModelMetadata writeMetadataAndMarker(
            Path dir, String name, int version, ModelDraft draft, Map<String, FileEntry> files, DataKey key)
            throws IOException {
        ModelMetadata metadata = metadata(name, version, draft, files, key);
        byte[] meta = json.write(metadata);
        writeHashed(new Path(dir, StoreLayout.METADATA), out -> out.write(meta));
        writeHashed(new Path(dir, StoreLayout.COMMITTED), out -> out.write(marker(version)));
        return metadata;
    }

    private static ModelMetadata metadata(
            String name, int version, ModelDraft draft, Map<String, FileEntry> files, DataKey key) {
        ModelDescription description = draft.description();
        return new ModelMetadata(
                        ModelMetadata.formatVersionFor(description.signature()),
                        name,
                        version,
                        Instant.now().toString(),
                        StoreLayout.who(),
                        description,
                        files,
                        null)
                .withEncryption(key == null ? null : key.info());
    }

    private static byte[] marker(int version) {
        return ("version " + version + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reserves the lowest free number above every reservation seen; on a lost race tries the next. */
    private int allocate(String name) throws IOException {
        Path ids = layout.dir(name, StoreLayout.IDS);
        int next = 1;
        for (FileStatus st : layout.children(ids)) {
            Integer n = StoreLayout.parseNumber(st.getPath().getName());
            if (n != null) {
                next = Math.max(next, n + 1);
            }
        }
        byte[] owner = (StoreLayout.who() + " " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
        while (!exclusive.create(new Path(ids, Integer.toString(next)), owner)) {
            next++;
        }
        return next;
    }

    private FileEntry writeHashed(Path path, ModelDraft.FileWriter writer) throws IOException {
        return writeHashed(path, writer, null, null);
    }

    /**
     * Writes one file, hashing its plaintext; sealed with {@code key} under {@code name} when the key is not null.
     * The entry records the plaintext's SHA-256 and size, which readers check after decryption.
     */
    FileEntry writeHashed(Path path, ModelDraft.FileWriter writer, DataKey key, String name) throws IOException {
        return writeHashed(fs, crypto, path, writer, key, name, false);
    }

    static FileEntry writeHashed(
            FileSystem fs,
            StoreCrypto crypto,
            Path path,
            ModelDraft.FileWriter writer,
            DataKey key,
            String name,
            boolean overwrite)
            throws IOException {
        try (FSDataOutputStream raw = fs.create(path, overwrite)) {
            EncryptingOutputStream sealing = key == null
                    ? null
                    : new EncryptingOutputStream(
                            raw, key.key(), name, key.info().chunkSize(), crypto.random());
            HashingOutputStream hashing = sealing == null
                    ? new HashingOutputStream(raw)
                    : new HashingOutputStream(sealing, Integer.MAX_VALUE);
            try {
                writer.writeTo(hashing);
                String sha256 = hashing.finish();
                if (sealing != null) {
                    sealing.finish();
                }
                raw.hsync();
                return new FileEntry(sha256, sealing == null ? raw.getPos() : hashing.size());
            } finally {
                hashing.abandon();
                if (sealing != null) {
                    // Stops the sealing thread when the writer or the file system failed half-way.
                    sealing.abandon();
                }
            }
        }
    }
}
