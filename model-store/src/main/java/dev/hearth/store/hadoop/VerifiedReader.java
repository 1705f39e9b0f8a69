package dev.hearth.store.hadoop;

import dev.hearth.store.DecryptionException;
import dev.hearth.store.FileEntry;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.crypto.DecryptingInputStream;
import dev.hearth.store.crypto.TamperedChunkException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import javax.crypto.SecretKey;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads stored files and checks every byte against the SHA-256 in the metadata. Hashing runs on a helper thread
 * ({@link Sha256Lane}) over the part already read while the next part is read, so a verified read takes about as
 * long as the slower of reading and hashing instead of their sum. A missing, unreadable, shorter, longer or altered
 * file is an {@link IntegrityException} naming the file and both hashes; other I/O errors are not. An encrypted
 * file ({@link Sealed}) is decrypted on the way and its plaintext is hashed, so the SHA-256 chain stays the one of the
 * plaintext; a chunk that fails authentication is a {@link DecryptionException} naming the file and the chunk.
 */
final class VerifiedReader {
    /** Bytes per read call: large enough to be cheap, small enough for FileInputStream's stack buffer path. */
    private static final int IO_CHUNK = HashingOutputStream.IO_CHUNK;
    /** Bytes per hand-over to the hashing thread. */
    private static final int HAND_OVER = 1 << 20;
    /** Largest byte array the JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final FileSystem fs;

    VerifiedReader(FileSystem fs) {
        this.fs = fs;
    }

    /**
     * How a file is sealed: its data key and the name it was sealed under.
     *
     * @param key the version's data key
     * @param name the file's name in the version (bound into every chunk)
     */
    record Sealed(SecretKey key, String name) {
        @Override
        public String toString() {
            return "Sealed[" + name + "]";
        }
    }

    /** All bytes of {@code p}, verified against {@code entry}. */
    byte[] read(Path p, FileEntry entry) {
        return read(p, entry, null);
    }

    /** All plaintext bytes of {@code p} (decrypted when {@code sealed} is not null), verified against {@code entry}. */
    byte[] read(Path p, FileEntry entry, Sealed sealed) {
        if (entry.size() < 0 || entry.size() > MAX_ARRAY) {
            throw new ModelStoreException("cannot read " + p + " into memory: its recorded size is " + entry.size()
                    + " bytes, the limit is " + MAX_ARRAY);
        }
        byte[] bytes = new byte[(int) entry.size()];
        boolean sizeMatches;
        String actual;
        try (InputStream in = open(p, sealed);
                Sha256Lane lane = new Sha256Lane()) {
            int off = 0;
            int handed = 0;
            while (off < bytes.length) {
                int n = in.read(bytes, off, Math.min(IO_CHUNK, bytes.length - off));
                if (n < 0) {
                    break;
                }
                off += n;
                if (off - handed >= HAND_OVER) {
                    lane.update(bytes, handed, off - handed);
                    handed = off;
                }
            }
            lane.update(bytes, handed, off - handed);
            sizeMatches = off == bytes.length && in.read() < 0;
            actual = lane.hex();
        } catch (IOException e) {
            throw failure(p, entry, e);
        }
        if (!sizeMatches) {
            // Not the recorded size: report the hash of what is there, as for any other alteration.
            actual = hash(p, entry, sealed);
        }
        if (!actual.equals(entry.sha256())) {
            throw new IntegrityException(p.toString(), entry.sha256(), actual);
        }
        return bytes;
    }

    /** Hashes {@code p} in full and compares with {@code entry}, holding only two 1 MiB buffers. */
    void verify(Path p, FileEntry entry) {
        verify(p, entry, null);
    }

    /** As {@link #verify(Path, FileEntry)}, over the plaintext when {@code sealed} is not null. */
    void verify(Path p, FileEntry entry, Sealed sealed) {
        String actual = hash(p, entry, sealed);
        if (!actual.equals(entry.sha256())) {
            throw new IntegrityException(p.toString(), entry.sha256(), actual);
        }
    }

    /** SHA-256 of {@code p}: one buffer is hashed while the other is filled. */
    private String hash(Path p, FileEntry entry, Sealed sealed) {
        byte[][] buffers = {new byte[HAND_OVER], new byte[HAND_OVER]};
        try (InputStream in = open(p, sealed);
                Sha256Lane lane = new Sha256Lane()) {
            for (int i = 0; ; i ^= 1) {
                int filled = fill(in, buffers[i]);
                lane.await();
                lane.update(buffers[i], 0, filled);
                if (filled < HAND_OVER) {
                    return lane.hex();
                }
            }
        } catch (IOException e) {
            throw failure(p, entry, e);
        }
    }

    /** The plaintext of {@code p}: the file itself, or its decryption. */
    InputStream open(Path p, Sealed sealed) throws IOException {
        InputStream raw = fs.open(p);
        return sealed == null ? raw : new DecryptingInputStream(raw, sealed.key(), sealed.name());
    }

    private static int fill(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int n = in.read(buf, off, Math.min(IO_CHUNK, buf.length - off));
            if (n < 0) {
                break;
            }
            off += n;
        }
        return off;
    }

    private static RuntimeException failure(Path p, FileEntry entry, IOException e) {
        if (e instanceof TamperedChunkException) {
            return new DecryptionException(p.toString(), e.getMessage());
        }
        if (e instanceof FileNotFoundException) {
            return new IntegrityException(p.toString(), entry.sha256(), "<missing file>");
        }
        if (e instanceof ChecksumException) {
            return new IntegrityException(p.toString(), entry.sha256(), "<unreadable: " + e.getMessage() + ">");
        }
        return new ModelStoreException("cannot read " + p + ": " + e.getMessage(), e);
    }
}
