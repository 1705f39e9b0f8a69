package dev.hearth.store.hadoop;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelNames;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where everything lives under the store root, and the few file-system queries every part of the store shares.
 *
 * <pre>
 * &lt;name&gt;/ids/&lt;n&gt;                          version number reservations (exclusive create, never deleted)
 * &lt;name&gt;/_staging/&lt;uuid&gt;/                 a publish in progress
 * &lt;name&gt;/versions/&lt;n&gt;/{files, metadata.json, _COMMITTED (or _HIDDEN, _DELETING while being removed)}
 * &lt;name&gt;/aliases/&lt;alias&gt;/&lt;seq&gt;.json        alias moves, immutable, highest seq is current
 * &lt;name&gt;/audit/&lt;millis&gt;-&lt;uuid&gt;.json        deletions
 * &lt;name&gt;/leases/&lt;holder&gt;@&lt;n&gt;.json         serving leases
 * &lt;name&gt;/locks/&lt;purpose&gt;/&lt;seq&gt;.json        store locks ({@link LockFiles})
 * &lt;name&gt;/_rollout/shadow/&lt;replica&gt;.json    shadow summaries ({@link HadoopShadowSummaries})
 * &lt;name&gt;/_checkpoints/&lt;run&gt;/epoch-&lt;n&gt;/     training checkpoints ({@link HadoopCheckpointStore})
 * </pre>
 * The module README's Layout section lists every name; keep the two in step.
 */
final class StoreLayout {
    static final String IDS = "ids";
    static final String STAGING = "_staging";
    static final String VERSIONS = "versions";
    static final String ALIASES = "aliases";
    static final String AUDIT = "audit";
    static final String LEASES = "leases";
    static final String METADATA = ModelDraft.METADATA_FILE;
    static final String COMMITTED = "_COMMITTED";
    /** The commit marker's name while a removal re-checks the version ({@link VersionRemover}). */
    static final String HIDDEN = "_HIDDEN";
    /** The commit marker's name once a removal decided to delete the version ({@link VersionRemover}). */
    static final String DELETING = "_DELETING";

    private final FileSystem fs;
    private final Path root;

    StoreLayout(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    FileSystem fs() {
        return fs;
    }

    Path root() {
        return root;
    }

    Path model(String name) {
        return new Path(root, name);
    }

    Path dir(String name, String part) {
        return new Path(model(name), part);
    }

    Path version(String name, int version) {
        return new Path(dir(name, VERSIONS), Integer.toString(version));
    }

    boolean isCommitted(String name, int version) throws IOException {
        return fs.exists(new Path(version(name, version), COMMITTED));
    }

    /** Children of {@code dir}, empty when it does not exist. */
    List<FileStatus> children(Path dir) throws IOException {
        try {
            return List.of(fs.listStatus(dir));
        } catch (FileNotFoundException e) {
            return List.of();
        }
    }

    /** Directories under the root whose names are valid model names. */
    List<String> modelDirs() throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : children(root)) {
            if (st.isDirectory() && isValidName(st.getPath().getName())) {
                out.add(st.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    /** Version numbers that have a directory under {@code versions/}, committed or not, ascending. */
    List<Integer> versionDirs(String name) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (FileStatus st : children(dir(name, VERSIONS))) {
            Integer n = parseNumber(st.getPath().getName());
            if (n != null && st.isDirectory()) {
                out.add(n);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Newest modification time of {@code path} and its direct children. Object stores have no directories: S3A
     * reports a directory's time as the time of the call, so there a directory with children is as old as its
     * newest child (else no crash leftover on S3 would ever get older than the grace period).
     */
    long lastModified(Path path) throws IOException {
        FileStatus self = fs.getFileStatus(path);
        List<FileStatus> kids = self.isDirectory() ? children(path) : List.of();
        boolean ownTime = !(self.isDirectory() && !kids.isEmpty() && isObjectStore());
        long t = ownTime ? self.getModificationTime() : 0;
        for (FileStatus st : kids) {
            t = Math.max(t, st.getModificationTime());
        }
        return t;
    }

    private boolean isObjectStore() {
        return CommitMode.of(fs.getUri().getScheme(), new org.apache.hadoop.conf.Configuration(false))
                == CommitMode.MARKER;
    }

    static Integer parseNumber(String s) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int n = Integer.parseInt(s);
        return n >= 1 ? n : null;
    }

    static boolean isValidName(String n) {
        try {
            ModelNames.validate("model name", n);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** user@host of this process, recorded as creator and in the audit log. */
    static String who() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }
}
