package dev.hearth.store.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hadoop's raw local file system (no {@code .crc} side files: the store's SHA-256 covers every byte) with two
 * changes the store relies on.
 *
 * <ul>
 *   <li>Permissions are set through {@code java.nio} instead of forking {@code chmod}. Without Hadoop's native
 *       library, {@link RawLocalFileSystem} runs {@code chmod} as a child process for every file it creates and
 *       every directory it makes, and a fork per file is a large share of a publish (bench/RESULTS.md, store
 *       benchmark). The permissions set are the same.
 *   <li>Renames are {@code rename(2)} and nothing else. {@link RawLocalFileSystem#rename} falls back to copying
 *       and deleting when {@code rename(2)} fails (for example onto a non-empty directory, where the copy lands
 *       <em>inside</em> the target and reports success); a commit that copies can show {@code _COMMITTED} before
 *       the other files. Here a failed rename fails.
 * </ul>
 *
 * Not final so that tests in this package can inject faults at a chosen call.
 */
class NioLocalFileSystem extends RawLocalFileSystem {
    private static final Logger LOG = LoggerFactory.getLogger(NioLocalFileSystem.class);

    /** An initialised instance for {@code file:///}. */
    static NioLocalFileSystem open(Configuration conf) throws IOException {
        NioLocalFileSystem fs = new NioLocalFileSystem();
        fs.initialize(URI.create("file:///"), conf);
        return fs;
    }

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
        if (permission.getStickyBit()) {
            super.setPermission(p, permission);
            return;
        }
        String symbols = permission.getUserAction().SYMBOL
                + permission.getGroupAction().SYMBOL
                + permission.getOtherAction().SYMBOL;
        try {
            Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(symbols));
        } catch (UnsupportedOperationException e) {
            super.setPermission(p, permission);
        }
    }

    /** {@code rename(2)} only: false when it fails, never a copy. */
    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        boolean moved = pathToFile(src).renameTo(pathToFile(dst));
        if (!moved) {
            LOG.debug("rename({}, {}) failed; not falling back to copy + delete", src, dst);
        }
        return moved;
    }

    /**
     * Moves {@code src} to {@code dst} with one {@code rename(2)} and makes the move durable (fsync of the target's
     * directory). Of two processes moving the same source exactly one succeeds; the other gets
     * {@link FileNotFoundException}.
     *
     * @param replace whether an existing file at {@code dst} may be replaced; when false an existing {@code dst}
     *     is refused with {@link FileAlreadyExistsException} (checked first; in the instant between check and move
     *     {@code rename(2)} would still never replace a non-empty directory)
     */
    void moveAtomically(Path src, Path dst, boolean replace) throws IOException {
        java.nio.file.Path from = pathToFile(src).toPath();
        java.nio.file.Path to = pathToFile(dst).toPath();
        if (!Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileNotFoundException("cannot move " + src + " to " + dst + ": the source does not exist");
        }
        if (!replace && Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException("cannot move " + src + " to " + dst + ": the target exists");
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            FileNotFoundException f = new FileNotFoundException("cannot move " + src + " to " + dst + ": "
                    + (Files.exists(from) ? "the target's directory does not exist" : "the source does not exist"));
            f.initCause(e);
            throw f;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "cannot move " + src + " to " + dst + " atomically (different file systems?); "
                            + "the store never copies instead",
                    e);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            throw new FileAlreadyExistsException("cannot move " + src + " to " + dst + ": the target exists");
        }
        syncDirectory(to.getParent());
        if (!from.getParent().equals(to.getParent())) {
            syncDirectory(from.getParent());
        }
    }

    /** Makes {@code dst}'s directory entry durable after a hard link or a move into it. */
    void syncDirectory(Path dir) {
        syncDirectory(pathToFile(dir).toPath());
    }

    private static void syncDirectory(java.nio.file.Path dir) {
        // Without it a power cut right after a commit may lose the new name (the data itself was hsync'ed).
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or fsync a directory; the move itself has happened.
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
