package dev.hearth.serving.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-modify-write of a token file that loses no change: writers hold an exclusive lock on a sibling
 * {@code <file>.lock} (across processes; threads of one JVM wait for each other too), and the new content is
 * written to a temporary file, synced and renamed over the old one, so a reader (the server) sees the old or the
 * new file, never a partial one. The lock file is left in place: deleting it would let two writers lock
 * different files.
 */
final class TokenFileWriter {
    /** How long a writer waits for another one before giving up. */
    private static final long LOCK_WAIT_MILLIS = 30_000;

    /** A change to the file's lines; returns the caller's result. */
    interface Change<T> {
        T apply(List<String> lines) throws IOException;
    }

    private final Path file;

    TokenFileWriter(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** Applies {@code change} to the current lines under the lock and writes them back if they changed. */
    <T> T update(Change<T> change) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(file.getFileName() + ".lock");
        try (FileChannel channel = openLockFile(lockFile);
                FileLock lock = acquire(channel, lockFile)) {
            List<String> before = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            List<String> lines = new ArrayList<>(before);
            T result = change.apply(lines);
            if (!lines.equals(before)) {
                replace(dir, lines);
            }
            return result;
        }
    }

    private static FileChannel openLockFile(Path lockFile) throws IOException {
        try {
            Files.createFile(
                    lockFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // another writer made it first
        } catch (UnsupportedOperationException e) {
            Files.newByteChannel(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                    .close();
        }
        return FileChannel.open(lockFile, StandardOpenOption.WRITE);
    }

    /**
     * Polls for the lock: {@code tryLock} returns null while another process holds it and throws
     * {@link OverlappingFileLockException} while another thread of this JVM does; polling handles both the same
     * way and bounds the wait.
     */
    private static FileLock acquire(FileChannel channel, Path lockFile) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000;
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // held by another thread of this JVM
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the token file lock " + lockFile + " is held by another writer for more than "
                        + LOCK_WAIT_MILLIS / 1000 + " s; try again");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the token file lock " + lockFile, e);
            }
        }
    }

    private void replace(Path dir, List<String> lines) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
            try (FileChannel out =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(java.nio.ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
                out.force(true);
            }
            // Same directory, so the rename is atomic; no copying fallback, which could expose a partial file.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Makes the rename durable; not every platform can open a directory, which only costs durability there. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // best effort
        }
    }
}
