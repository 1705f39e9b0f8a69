package dev.hearth.store.hadoop;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Creates a small file only if it does not exist yet, atomically with its content, so that of several processes
 * creating the same path exactly one wins and nobody ever reads a half-written file. Temporary files are named
 * {@code _tmp.*} next to the target; readers ignore them and garbage collection removes abandoned ones. The
 * temporary file is {@code hsync}ed before it is published, so after a power cut the name never points to
 * missing or partial content.
 *
 * <ul>
 *   <li>local file system: write a temporary file, then hard-link it to the target ({@code link(2)} fails if the
 *       target exists) and fsync the directory;
 *   <li>HDFS and other {@link CommitMode#RENAME} file systems: write a temporary file, then rename it with
 *       {@link AtomicRename#noReplace} (refuses an existing target);
 *   <li>object stores ({@link CommitMode#MARKER}): the {@link ExclusiveCreate} chosen when the store opened
 *       ({@link ConditionalWriteProbe}): a conditional PUT where the endpoint honours {@code If-None-Match: *},
 *       else {@code create(overwrite=false)} under the one-publisher rule (see the README).
 * </ul>
 */
final class ExclusiveCreator {
    static final String TMP_PREFIX = "_tmp.";

    private final FileSystem fs;
    private final CommitMode mode;
    private final AtomicRename renames;
    private final ExclusiveCreate objectStore;

    ExclusiveCreator(FileSystem fs, CommitMode mode, AtomicRename renames, ExclusiveCreate objectStore) {
        this.fs = fs;
        this.mode = mode;
        this.renames = renames;
        this.objectStore = objectStore;
    }

    /** Whether creates are exclusive across processes (always, except on object stores without conditional PUT). */
    boolean exclusive() {
        return mode != CommitMode.MARKER || objectStore.exclusive();
    }

    /** The mechanism, for the log and {@code doctor}. */
    String describe() {
        if (mode == CommitMode.MARKER) {
            return objectStore.describe();
        }
        return "file".equals(fs.getUri().getScheme()) ? "temporary file + hard link" : "temporary file + rename";
    }

    /**
     * Creates {@code path} with {@code content}.
     *
     * @return true if this call created it, false if it already existed
     */
    boolean create(Path path, byte[] content) throws IOException {
        if (mode == CommitMode.MARKER) {
            return objectStore.create(path, content);
        }
        Path tmp = new Path(path.getParent(), TMP_PREFIX + path.getName() + "." + UUID.randomUUID());
        try {
            fs.mkdirs(path.getParent());
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(content);
                out.hsync();
            }
            if ("file".equals(fs.getUri().getScheme())) {
                return link(tmp, path);
            }
            try {
                renames.noReplace(tmp, path);
                return true;
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                return false;
            }
        } finally {
            fs.delete(tmp, false);
        }
    }

    private boolean link(Path tmp, Path path) throws IOException {
        java.nio.file.Path target = java.nio.file.Path.of(fs.makeQualified(path).toUri());
        try {
            Files.createLink(target, java.nio.file.Path.of(fs.makeQualified(tmp).toUri()));
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        if (fs instanceof NioLocalFileSystem local) {
            local.syncDirectory(path.getParent());
        }
        return true;
    }
}
