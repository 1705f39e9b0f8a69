package dev.hearth.store.hadoop;

import dev.hearth.store.FileEntry;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelMetadata;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ModelStore} on a Hadoop {@link FileSystem}. Layout under the root:
 *
 * <pre>
 * &lt;name&gt;/ids/&lt;n&gt;                      version number reservations (exclusive create, never deleted)
 * &lt;name&gt;/_staging/&lt;uuid&gt;/             a publish in progress
 * &lt;name&gt;/versions/&lt;n&gt;/model.zip       the committed version's files ...
 * &lt;name&gt;/versions/&lt;n&gt;/metadata.json   ... its metadata with per-file SHA-256 ...
 * &lt;name&gt;/versions/&lt;n&gt;/_COMMITTED      ... and the commit marker, written last
 * </pre>
 *
 * A publish writes everything under {@code _staging}, reserves the next free number with an exclusive create,
 * then renames the staging directory into {@code versions/} in one step. Readers only see versions that have
 * the commit marker.
 */
public final class HadoopModelStore implements ModelStore {
    static final String IDS = "ids";
    static final String STAGING = "_staging";
    static final String VERSIONS = "versions";
    static final String METADATA = ModelDraft.METADATA_FILE;
    static final String COMMITTED = "_COMMITTED";

    private static final Logger LOG = LoggerFactory.getLogger(HadoopModelStore.class);

    private final FileSystem fs;
    private final Path root;
    private final ExclusiveCreator exclusive;
    private final MetadataJson json = new MetadataJson();

    /** A store rooted at {@code root} on the file system that root's URI names. */
    public HadoopModelStore(Path root, Configuration conf) {
        try {
            FileSystem any = root.getFileSystem(conf);
            // Hadoop's local FS adds .crc side files; the store's own SHA-256 already covers every byte.
            this.fs = any instanceof LocalFileSystem local ? local.getRaw() : any;
            this.root = fs.makeQualified(root);
        } catch (IOException e) {
            throw new ModelStoreException("cannot open store at " + root + ": " + e.getMessage(), e);
        }
        this.exclusive = new ExclusiveCreator(fs);
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
                ? new Path(java.nio.file.Path.of(root).toAbsolutePath().normalize().toUri())
                : new Path(uri);
        return new HadoopModelStore(path, conf);
    }

    @Override
    public String root() {
        return root.toString();
    }

    /** The qualified root path. */
    Path rootPath() {
        return root;
    }

    @Override
    public ModelVersion publish(String name, ModelDraft draft) {
        ModelNames.validate("model name", name);
        Path modelDir = new Path(root, name);
        Path staging = new Path(modelDir, STAGING + "/" + UUID.randomUUID());
        try {
            fs.mkdirs(staging);
            Map<String, FileEntry> files = new LinkedHashMap<>();
            for (Map.Entry<String, ModelDraft.FileWriter> f : draft.files().entrySet()) {
                files.put(f.getKey(), writeHashed(new Path(staging, f.getKey()), f.getValue()));
            }
            int version = allocateVersion(modelDir);
            ModelMetadata metadata = new ModelMetadata(
                    ModelMetadata.FORMAT_VERSION,
                    name,
                    version,
                    Instant.now().toString(),
                    creator(),
                    draft.framework(),
                    draft.signature(),
                    draft.metrics(),
                    draft.training(),
                    draft.provenance(),
                    draft.tags(),
                    files);
            byte[] meta = json.write(metadata);
            writeHashed(new Path(staging, METADATA), out -> out.write(meta));
            writeHashed(new Path(staging, COMMITTED), out -> out.write(
                    ("version " + version + "\n").getBytes(StandardCharsets.UTF_8)));
            Path target = versionDir(name, version);
            fs.mkdirs(target.getParent());
            if (!fs.rename(staging, target)) {
                throw new ModelStoreException("cannot commit " + name + "/" + version + ": rename of " + staging
                        + " to " + target + " failed");
            }
            LOG.info("Published {}/{} to {}", name, version, target);
            return new ModelVersion(name, version, target.toString(), metadata);
        } catch (IOException e) {
            throw new ModelStoreException("cannot publish " + name + " to " + root + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    @Override
    public List<String> listModels() {
        List<String> names = new ArrayList<>();
        try {
            if (!fs.exists(root)) {
                return names;
            }
            for (FileStatus st : fs.listStatus(root)) {
                String n = st.getPath().getName();
                if (st.isDirectory() && isValidName(n) && !listVersions(n).isEmpty()) {
                    names.add(n);
                }
            }
        } catch (IOException e) {
            throw new ModelStoreException("cannot list models in " + root + ": " + e.getMessage(), e);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    @Override
    public List<ModelVersion> listVersions(String name) {
        ModelNames.validate("model name", name);
        Path dir = new Path(new Path(root, name), VERSIONS);
        List<ModelVersion> out = new ArrayList<>();
        try {
            if (!fs.exists(dir)) {
                return out;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                Integer n = parseVersion(st.getPath().getName());
                if (n != null && st.isDirectory() && fs.exists(new Path(st.getPath(), COMMITTED))) {
                    out.add(load(name, n));
                }
            }
        } catch (IOException e) {
            throw new ModelStoreException("cannot list versions of " + name + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingInt(ModelVersion::version));
        return out;
    }

    @Override
    public ModelVersion resolve(ModelRef ref) {
        if (ref.pinnedVersion().isPresent()) {
            int v = ref.version();
            try {
                if (!fs.exists(new Path(versionDir(ref.name(), v), COMMITTED))) {
                    throw new ModelNotFoundException("model " + ref + " not found in " + root);
                }
            } catch (IOException e) {
                throw new ModelStoreException("cannot read " + ref + ": " + e.getMessage(), e);
            }
            return load(ref.name(), v);
        }
        List<ModelVersion> versions = listVersions(ref.name());
        if (versions.isEmpty()) {
            throw new ModelNotFoundException("model '" + ref.name() + "' has no committed version in " + root);
        }
        return versions.get(versions.size() - 1);
    }

    @Override
    public byte[] readFile(ModelVersion version, String file) {
        FileEntry entry = version.metadata().files().get(file);
        if (entry == null) {
            throw new ModelNotFoundException(
                    "file '" + file + "' is not part of " + version.ref() + " (has " + version.metadata().files().keySet() + ")");
        }
        Path p = new Path(versionDir(version.name(), version.version()), file);
        byte[] bytes;
        try (InputStream in = fs.open(p)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw new IntegrityException(p.toString(), entry.sha256(), "<missing file>");
        } catch (ChecksumException e) {
            throw new IntegrityException(p.toString(), entry.sha256(), "<unreadable: " + e.getMessage() + ">");
        } catch (IOException e) {
            throw new ModelStoreException("cannot read " + p + ": " + e.getMessage(), e);
        }
        String actual = sha256(bytes);
        if (!actual.equals(entry.sha256())) {
            throw new IntegrityException(p.toString(), entry.sha256(), actual);
        }
        return bytes;
    }

    private ModelVersion load(String name, int version) {
        Path dir = versionDir(name, version);
        Path metaPath = new Path(dir, METADATA);
        byte[] bytes;
        try (InputStream in = fs.open(metaPath)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelStoreException("cannot read " + metaPath + ": " + e.getMessage(), e);
        }
        return new ModelVersion(name, version, dir.toString(), json.read(bytes, metaPath.toString()));
    }

    private int allocateVersion(Path modelDir) throws IOException {
        Path ids = new Path(modelDir, IDS);
        fs.mkdirs(ids);
        int next = 1;
        for (FileStatus st : fs.listStatus(ids)) {
            Integer n = parseVersion(st.getPath().getName());
            if (n != null) {
                next = Math.max(next, n + 1);
            }
        }
        byte[] owner = (creator() + " " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
        while (!exclusive.create(new Path(ids, Integer.toString(next)), owner)) {
            next++;
        }
        return next;
    }

    private FileEntry writeHashed(Path path, ModelDraft.FileWriter writer) throws IOException {
        MessageDigest digest = newDigest();
        try (FSDataOutputStream raw = fs.create(path, false)) {
            DigestOutputStream hashing = new DigestOutputStream(raw, digest);
            // Writers (e.g. DL4J's ModelSerializer) may close the stream they get; the store must still sync it.
            writer.writeTo(new FilterOutputStream(hashing) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    hashing.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    hashing.flush();
                }
            });
            hashing.flush();
            raw.hsync();
            return new FileEntry(HexFormat.of().formatHex(digest.digest()), raw.getPos());
        }
    }

    private Path versionDir(String name, int version) {
        return new Path(new Path(new Path(root, name), VERSIONS), Integer.toString(version));
    }

    private void deleteQuietly(Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            LOG.warn("Could not remove staging directory {}: {}", p, e.getMessage());
        }
    }

    private static Integer parseVersion(String s) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int n = Integer.parseInt(s);
        return n >= 1 ? n : null;
    }

    private static boolean isValidName(String n) {
        try {
            ModelNames.validate("model name", n);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static String creator() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }
}
