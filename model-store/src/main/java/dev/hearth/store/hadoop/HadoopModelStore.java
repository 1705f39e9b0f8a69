package dev.hearth.store.hadoop;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.FileEntry;
import dev.hearth.store.GcReport;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.Lease;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.StoreLock;
import dev.hearth.store.VersionConflictException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ModelStore} on a Hadoop {@link FileSystem} ({@code file://}, {@code hdfs://}, {@code s3a://}); the
 * layout is described in {@link StoreLayout} and the module README. Versions are committed atomically
 * ({@link CommitMode}); readers only see versions that have the commit marker.
 */
public final class HadoopModelStore implements ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopModelStore.class);

    /**
     * Hadoop configuration key: {@code true} when several processes may publish or move aliases of one model at
     * the same time. The store then refuses to open unless its exclusive creates really are exclusive (an object
     * store must honour conditional writes), instead of letting two publishers share a version number.
     */
    public static final String MULTI_PUBLISHER = StoreHadoopSettings.MULTI_PUBLISHER;

    private final FileSystem fs;
    private final StoreLayout layout;
    private final MetadataJson json = new MetadataJson();
    private final Publisher publisher;
    private final VerifiedReader reader;
    private final AliasLog aliasLog;
    private final AuditFiles audit;
    private final LeaseFiles leaseFiles;
    private final LockFiles lockFiles;
    private final VersionRemover remover;
    /** Recorded as {@code who} in audit entries this instance writes; null: this process's user@host. */
    private final String actor;

    private final StoreCrypto crypto;
    private final VersionKeys versionKeys;
    private final ExclusiveCreator exclusive;

    /** A store rooted at {@code root} on the file system that root's URI names. */
    public HadoopModelStore(Path root, Configuration conf) {
        this(fileSystem(root, conf), root, conf);
    }

    /** A store rooted at {@code root} on {@code fs}; package-private so tests can pass a file system with faults. */
    HadoopModelStore(FileSystem fs, Path root, Configuration conf) {
        this.fs = fs;
        this.layout = new StoreLayout(fs, fs.makeQualified(root));
        CommitMode mode = CommitMode.of(fs.getUri().getScheme(), conf);
        AtomicRename renames = new AtomicRename(fs);
        ExclusiveCreator exclusive = new ExclusiveCreator(
                fs,
                mode,
                renames,
                mode == CommitMode.MARKER
                        ? ConditionalWriteProbe.choose(fs, layout.root(), conf)
                        : new UncheckedCreate(fs, "unused"));
        this.exclusive = exclusive;
        if (!exclusive.exclusive()) {
            if (conf.getBoolean(MULTI_PUBLISHER, StoreHadoopSettings.MULTI_PUBLISHER_DEFAULT)) {
                throw new ModelStoreException("store " + layout.root() + " cannot run with several publishers ("
                        + MULTI_PUBLISHER + "=true): exclusive creates are " + exclusive.describe()
                        + "; use an endpoint that honours If-None-Match: * on PUT, or one publisher per model");
            }
            LOG.warn("Store {}: exclusive creates are {}", layout.root(), exclusive.describe());
        }
        JsonFiles files = new JsonFiles(fs, json.mapper());
        this.crypto = new StoreCrypto(conf);
        this.publisher = new Publisher(layout, exclusive, mode, renames, json, crypto);
        this.reader = new VerifiedReader(fs);
        this.aliasLog = new AliasLog(layout, exclusive, files);
        this.audit = new AuditFiles(layout, exclusive, files);
        this.leaseFiles = new LeaseFiles(layout, files, mode, renames);
        this.remover = new VersionRemover(layout, aliasLog, leaseFiles, renames);
        this.lockFiles = new LockFiles(layout, exclusive, files);
        this.versionKeys = new VersionKeys(layout, mode, renames, json, crypto, reader, lockFiles, audit);
        this.actor = null;
    }

    /** The same store, writing audit entries as {@code actor}. */
    private HadoopModelStore(HadoopModelStore base, String actor) {
        this.fs = base.fs;
        this.layout = base.layout;
        this.publisher = base.publisher;
        this.reader = base.reader;
        this.aliasLog = base.aliasLog;
        this.audit = base.audit;
        this.leaseFiles = base.leaseFiles;
        this.remover = base.remover;
        this.lockFiles = base.lockFiles;
        this.exclusive = base.exclusive;
        this.crypto = base.crypto;
        this.versionKeys = base.versionKeys;
        this.actor = actor;
    }

    @Override
    public HadoopModelStore actingAs(String actor) {
        if (actor == null
                || actor.isBlank()
                || actor.length() > 200
                || actor.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("actor must be 1 to 200 characters without control characters but was '"
                    + (actor == null ? "null" : actor.length() > 40 ? actor.substring(0, 40) + "..." : actor) + "'");
        }
        return new HadoopModelStore(this, actor.strip());
    }

    private String who() {
        return actor != null ? actor : StoreLayout.who();
    }

    private static FileSystem fileSystem(Path root, Configuration conf) {
        try {
            FileSystem any = root.getFileSystem(conf);
            // Hadoop's local FS adds .crc side files (the store's own SHA-256 already covers every byte) and falls
            // back to copy + delete when a rename fails; NioLocalFileSystem does neither.
            return any instanceof LocalFileSystem ? NioLocalFileSystem.open(conf) : any;
        } catch (IOException e) {
            throw new ModelStoreException("cannot open store at " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a store from a root string: a URI ({@code hdfs://nn/models}, {@code file:///srv/models}) or a local
     * path (made absolute).
     */
    public static HadoopModelStore open(String root, Configuration conf) {
        if (root == null || root.isBlank()) {
            throw new ModelStoreException("store root must be a path or URI but was empty");
        }
        URI uri = URI.create(root.replace(" ", "%20"));
        Path path = uri.getScheme() == null
                ? new Path(
                        java.nio.file.Path.of(root).toAbsolutePath().normalize().toUri())
                : new Path(uri);
        return new HadoopModelStore(path, conf);
    }

    @Override
    public String root() {
        return layout.root().toString();
    }

    /**
     * How this store creates version reservations, alias entries and locks exclusively, and whether several
     * publishers per model are safe; shown by {@code doctor}.
     */
    public String exclusiveCreates() {
        return exclusive.describe();
    }

    /** Whether several processes may publish and move aliases of one model at once ({@link #exclusiveCreates}). */
    public boolean multiPublisherSafe() {
        return exclusive.exclusive();
    }

    /** The qualified root path. */
    Path rootPath() {
        return layout.root();
    }

    @Override
    public ModelVersion publish(String name, ModelDraft draft) {
        ModelNames.validate("model name", name);
        return io("publish " + name + " to " + root(), () -> publisher.publish(name, draft));
    }

    @Override
    public List<String> listModels() {
        return io("list models in " + root(), () -> {
            List<String> names = new ArrayList<>();
            for (String n : layout.modelDirs()) {
                // Only whether a committed version exists, newest first: reading every version's metadata here
                // made listing 200 models of 50 versions read 10,000 files (the web console's models page).
                List<Integer> numbers = new ArrayList<>(layout.versionDirs(n));
                numbers.sort(Comparator.reverseOrder());
                for (int v : numbers) {
                    if (committedOrRecovered(n, v)) {
                        names.add(n);
                        break;
                    }
                }
            }
            return names;
        });
    }

    @Override
    public List<ModelVersion> listVersions(String name) {
        ModelNames.validate("model name", name);
        return io("list versions of " + name, () -> {
            List<ModelVersion> out = new ArrayList<>();
            for (int n : layout.versionDirs(name)) {
                if (committedOrRecovered(name, n)) {
                    try {
                        out.add(load(name, n));
                    } catch (FileNotFoundException e) {
                        // deleted between the listing and the read
                    }
                }
            }
            out.sort(Comparator.comparingInt(ModelVersion::version));
            return out;
        });
    }

    @Override
    public ModelVersion resolve(ModelRef ref) {
        if (ref.alias() != null) {
            int target = io("read alias " + ref, () -> aliasLog.target(ref.name(), ref.alias()));
            return resolve(new ModelRef(ref.name(), target));
        }
        if (ref.pinnedVersion().isPresent()) {
            return io("read " + ref, () -> {
                if (!committedOrRecovered(ref.name(), ref.version())) {
                    throw new ModelNotFoundException("model " + ref + " not found in " + root());
                }
                return load(ref.name(), ref.version());
            });
        }
        ModelNames.validate("model name", ref.name());
        // Latest: only the newest committed version's metadata is read (servers poll this).
        ModelVersion latest = io("resolve " + ref, () -> {
            List<Integer> numbers = new ArrayList<>(layout.versionDirs(ref.name()));
            numbers.sort(Comparator.reverseOrder());
            for (int n : numbers) {
                if (committedOrRecovered(ref.name(), n)) {
                    try {
                        return load(ref.name(), n);
                    } catch (FileNotFoundException e) {
                        // deleted between the listing and the read: try the next older one
                    }
                }
            }
            return null;
        });
        if (latest == null) {
            throw new ModelNotFoundException("model '" + ref.name() + "' has no committed version in " + root());
        }
        return latest;
    }

    /**
     * Reads with the metadata the caller has; when that fails because the file is gone or its key cannot be unwrapped
     * and the version's metadata changed meanwhile ({@code models encrypt} or {@code rekey} committed after the caller
     * resolved it), reads once more with the current metadata.
     */
    @Override
    public byte[] readFile(ModelVersion version, String file) {
        entry(version, file);
        try {
            return readOnce(version, file);
        } catch (IntegrityException | KeyUnavailableException e) {
            ModelVersion fresh = resealed(version, e);
            return readOnce(fresh, file);
        }
    }

    @Override
    public void verify(ModelVersion version) {
        ModelVersion v = version;
        try {
            verifyOnce(v);
        } catch (IntegrityException | KeyUnavailableException e) {
            verifyOnce(resealed(v, e));
        }
    }

    private byte[] readOnce(ModelVersion version, String file) {
        FileEntry entry = entry(version, file);
        Path dir = layout.version(version.name(), version.version());
        EncryptionInfo info = version.metadata().encryption();
        if (info == null) {
            return reader.read(new Path(dir, file), entry);
        }
        VerifiedReader.Sealed sealed =
                new VerifiedReader.Sealed(crypto.unwrap(info, version.ref().toString()), file);
        return reader.read(new Path(dir, file + StoreCrypto.SUFFIX), entry, sealed);
    }

    private void verifyOnce(ModelVersion version) {
        Path dir = layout.version(version.name(), version.version());
        EncryptionInfo info = version.metadata().encryption();
        javax.crypto.SecretKey key =
                info == null ? null : crypto.unwrap(info, version.ref().toString());
        for (String file : version.metadata().files().keySet()) {
            FileEntry entry = entry(version, file);
            if (key == null) {
                reader.verify(new Path(dir, file), entry);
            } else {
                reader.verify(new Path(dir, file + StoreCrypto.SUFFIX), entry, new VerifiedReader.Sealed(key, file));
            }
        }
    }

    /** The version's current metadata when it is sealed differently from {@code seen}; else rethrows. */
    private ModelVersion resealed(ModelVersion seen, RuntimeException failure) {
        ModelVersion fresh;
        try {
            fresh = load(seen.name(), seen.version());
        } catch (IOException e) {
            throw failure;
        }
        if (java.util.Objects.equals(
                fresh.metadata().encryption(), seen.metadata().encryption())) {
            throw failure;
        }
        return fresh;
    }

    @Override
    public ModelVersion encrypt(ModelVersion version, String reason) {
        String key = crypto.settings().keyFor(version.name());
        VersionKeys.requireKeyName(version.name(), key);
        requireCommitted(version.name(), version.version());
        return io("encrypt " + version.ref(), () -> versionKeys.encrypt(version.name(), version.version(), key, reason))
                .version();
    }

    @Override
    public ModelVersion rekey(ModelVersion version, String reason) {
        requireCommitted(version.name(), version.version());
        return io("re-key " + version.ref(), () -> versionKeys.rekey(version.name(), version.version(), reason))
                .version();
    }

    /** The master key new versions of {@code name} are sealed with, null for plaintext. */
    public String encryptionKeyFor(String name) {
        return crypto.settings().keyFor(name);
    }

    /** The store's encryption, for the checkpoint store beside it. */
    StoreCrypto crypto() {
        return crypto;
    }

    @Override
    public AuditEvent setAlias(String name, String alias, int version, Integer expectedCurrent, String reason) {
        ModelNames.validate("model name", name);
        ModelNames.validate("alias", alias);
        requireCommitted(name, version);
        return io(
                "set alias " + alias + " of " + name,
                () -> moveToCommitted(name, alias, version, expectedCurrent, AuditEvent.ALIAS_SET, reason));
    }

    /** The removal used by delete and gc; package-private for tests. */
    VersionRemover remover() {
        return remover;
    }

    /**
     * Moves an alias to a committed version, then checks that the version is still committed: a delete or gc that
     * hid it meanwhile did not see this alias ({@link VersionRemover}), so the alias is put back where it was and
     * the move fails. Package-private for tests.
     */
    AuditEvent moveToCommitted(String name, String alias, int version, Integer expected, String action, String reason)
            throws IOException {
        AuditEvent event = aliasLog.move(name, alias, version, expected, action, reason, who());
        if (layout.isCommitted(name, version)) {
            return event;
        }
        try {
            aliasLog.move(
                    name,
                    alias,
                    event.from(),
                    version,
                    event.from() == null ? AuditEvent.ALIAS_REMOVE : AuditEvent.ALIAS_SET,
                    "reverted: " + name + "/" + version + " was deleted while the alias moved to it");
        } catch (VersionConflictException e) {
            LOG.warn("Alias '{}' of {} moved again before it could be put back: {}", alias, name, e.getMessage());
        }
        throw new ModelNotFoundException("model " + name + "/" + version + " was deleted while alias '" + alias
                + "' moved to it; the alias was put back to " + (event.from() == null ? "unset" : event.from()));
    }

    @Override
    public AuditEvent removeAlias(String name, String alias, int expectedCurrent, String reason) {
        ModelNames.validate("model name", name);
        ModelNames.validate("alias", alias);
        return io("remove alias " + alias + " of " + name, () -> {
            aliasLog.target(name, alias);
            return aliasLog.move(name, alias, null, expectedCurrent, AuditEvent.ALIAS_REMOVE, reason, who());
        });
    }

    @Override
    public AuditEvent rollback(String name, String alias, String reason) {
        ModelNames.validate("model name", name);
        ModelNames.validate("alias", alias);
        return io("roll back alias " + alias + " of " + name, () -> {
            AliasLog.Head head = aliasLog.head(name, alias);
            if (head.event() == null || head.event().from() == null) {
                throw new ModelNotFoundException(
                        "alias '" + alias + "' of model '" + name + "' has no previous target to roll back to");
            }
            int previous = head.event().from();
            requireCommitted(name, previous);
            return moveToCommitted(name, alias, previous, head.target(), AuditEvent.ROLLBACK, reason);
        });
    }

    @Override
    public Map<String, Integer> aliases(String name) {
        ModelNames.validate("model name", name);
        return io("list aliases of " + name, () -> aliasLog.current(name));
    }

    @Override
    public List<AuditEvent> aliasHistory(String name, String alias) {
        ModelNames.validate("model name", name);
        ModelNames.validate("alias", alias);
        return io("read history of alias " + alias + " of " + name, () -> aliasLog.history(name, alias));
    }

    @Override
    public List<AuditEvent> auditLog(String name) {
        ModelNames.validate("model name", name);
        return io("read audit log of " + name, () -> {
            List<AuditEvent> all = new ArrayList<>(audit.list(name));
            for (String alias : aliasLog.names(name)) {
                all.addAll(aliasLog.history(name, alias));
            }
            all.sort(Comparator.comparing(e -> Instant.parse(e.at())));
            return all;
        });
    }

    @Override
    public AuditEvent delete(String name, int version, String reason) {
        ModelNames.validate("model name", name);
        requireCommitted(name, version);
        return io("delete " + name + "/" + version, () -> {
            List<String> pointing = new ArrayList<>();
            aliasLog.current(name).forEach((a, v) -> {
                if (v == version) {
                    pointing.add(a);
                }
            });
            if (!pointing.isEmpty()) {
                throw new VersionConflictException("cannot delete " + name + "/" + version + ": alias(es) " + pointing
                        + " point to it; move or remove them first");
            }
            for (Lease l : leaseFiles.active(name, Instant.now())) {
                if (l.version() == version) {
                    throw new VersionConflictException("cannot delete " + name + "/" + version + ": leased by "
                            + l.holder() + " until " + l.expiresAt() + " (a server has it loaded)");
                }
            }
            String kept = remover.remove(name, version);
            if (kept != null) {
                throw new VersionConflictException(
                        "cannot delete " + name + "/" + version + " (" + kept + "; it was set while the delete ran)");
            }
            return audit.record(name, AuditEvent.DELETE, version, reason, who());
        });
    }

    @Override
    public Lease writeLease(String name, String holder, int version, Duration ttl) {
        ModelNames.validate("model name", name);
        return io("write lease of " + holder + " on " + name, () -> leaseFiles.write(name, holder, version, ttl));
    }

    @Override
    public void releaseLease(String name, String holder) {
        ModelNames.validate("model name", name);
        io("release lease of " + holder + " on " + name, () -> {
            leaseFiles.release(name, holder);
            return null;
        });
    }

    @Override
    public List<Lease> leases(String name) {
        ModelNames.validate("model name", name);
        return io("list leases of " + name, () -> leaseFiles.list(name));
    }

    @Override
    public GcReport gc(RetentionPolicy policy, boolean apply) {
        GarbageCollector gc = new GarbageCollector(
                this, layout, aliasLog, leaseFiles, audit, remover, new SealingLeftovers(layout, lockFiles, json));
        return io("collect garbage in " + root(), () -> gc.run(policy, apply));
    }

    @Override
    public StoreLock acquireLock(String name, String purpose, String holder, Duration ttl) {
        ModelNames.validate("model name", name);
        return io("acquire lock " + purpose + " of " + name, () -> lockFiles.acquire(name, purpose, holder, ttl));
    }

    @Override
    public void releaseLock(StoreLock lock) {
        io("release lock " + lock.purpose() + " of " + lock.model(), () -> {
            lockFiles.release(lock);
            return null;
        });
    }

    @Override
    public StoreLock currentLock(String name, String purpose) {
        ModelNames.validate("model name", name);
        return io("read lock " + purpose + " of " + name, () -> lockFiles.current(name, purpose));
    }

    @Override
    public AuditEvent recordEvent(String name, String action, int version, String reason) {
        ModelNames.validate("model name", name);
        ModelNames.validate("audit action", action);
        return io("record " + action + " of " + name, () -> audit.record(name, action, version, reason, who()));
    }

    private void requireCommitted(String name, int version) {
        boolean committed = io("read " + name + "/" + version, () -> committedOrRecovered(name, version));
        if (!committed) {
            throw new ModelNotFoundException("model " + name + "/" + version + " not found in " + root());
        }
    }

    /**
     * Whether the version is committed, after putting it back if an interrupted removal left it hidden while an
     * alias or lease names it ({@link VersionRemover#recover}). The check after an alias move stays a plain
     * {@link StoreLayout#isCommitted}: that move must not undo a removal that is still running.
     */
    private boolean committedOrRecovered(String name, int version) throws IOException {
        return layout.isCommitted(name, version) || remover.recover(name, version);
    }

    private ModelVersion load(String name, int version) throws IOException {
        Path dir = layout.version(name, version);
        Path metaPath = new Path(dir, StoreLayout.METADATA);
        byte[] bytes;
        try (InputStream in = fs.open(metaPath)) {
            bytes = in.readAllBytes();
        }
        return new ModelVersion(name, version, dir.toString(), json.read(bytes, metaPath.toString()));
    }

    private static FileEntry entry(ModelVersion version, String file) {
        FileEntry entry = version.metadata().files().get(file);
        if (entry == null) {
            throw new ModelNotFoundException("file '" + file + "' is not part of " + version.ref() + " (has "
                    + version.metadata().files().keySet() + ")");
        }
        return entry;
    }

    private static <T> T io(String what, IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new ModelStoreException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }
}
