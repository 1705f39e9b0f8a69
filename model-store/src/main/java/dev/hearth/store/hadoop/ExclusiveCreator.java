package dev.hearth.store.hadoop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Creates a small file only if it does not exist yet, atomically with its content, so that of several processes
 * creating the same path exactly one wins and nobody ever reads a half-written file. Temporary files are named
 * {@code _tmp.*} next to the target; readers ignore them and garbage collection removes abandoned ones.
 *
 * <ul>
 *   <li>local file system: write a temporary file, then hard-link it to the target ({@code link(2)} fails if the
 *       target exists);
 *   <li>HDFS and other {@link CommitMode#RENAME} file systems: write a temporary file, then rename it (HDFS
 *       rename never replaces an existing file);
 *   <li>object stores ({@link CommitMode#MARKER}): {@code create(overwrite=false)}, which is only as exclusive
 *       as the store's conditional writes (see the README).
 * </ul>
 */
final class ExclusiveCreator {
    static final String TMP_PREFIX = "_tmp.";

    private final FileSystem fs;
    private final CommitMode mode;

    ExclusiveCreator(FileSystem fs, CommitMode mode) {
        this.fs = fs;
        this.mode = mode;
    }

    /**
     * Creates {@code path} with {@code content}.
     *
     * @return true if this call created it, false if it already existed
     */
    boolean create(Path path, byte[] content) throws IOException {
        if (mode == CommitMode.MARKER) {
            return createIfAbsent(path, content);
        }
        Path tmp = new Path(path.getParent(), TMP_PREFIX + path.getName() + "." + UUID.randomUUID());
        try {
            fs.mkdirs(path.getParent());
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(content);
            }
            if ("file".equals(fs.getUri().getScheme())) {
                return link(tmp, path);
            }
            if (fs.rename(tmp, path)) {
                return true;
            }
            if (fs.exists(path)) {
                return false;
            }
            throw new IOException("cannot create " + path + ": rename from " + tmp + " failed");
        } finally {
            fs.delete(tmp, false);
        }
    }

    private boolean link(Path tmp, Path path) throws IOException {
        java.nio.file.Path target = java.nio.file.Path.of(fs.makeQualified(path).toUri());
        try {
            Files.createLink(target, java.nio.file.Path.of(fs.makeQualified(tmp).toUri()));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private boolean createIfAbsent(Path path, byte[] content) throws IOException {
        try (OutputStream out = fs.create(path, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // Some file systems report "already exists" with a plain IOException; tell it apart by checking.
            if (fs.exists(path)) {
                return false;
            }
            throw e;
        }
    }
}
