package dev.hearth.store.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts a stream into the {@link ChunkFormat}: plaintext is gathered into one chunk, which is sealed with a fresh
 * random nonce and written as soon as it is full, so memory stays at two chunks whatever the file's size.
 * {@link #flush()} never seals a partial chunk (every chunk but the last must be full); {@link #finish()} seals the
 * last chunk, flagged final, and must be called exactly once. {@link #close()} finishes and closes the target.
 */
public final class EncryptingOutputStream extends OutputStream {
    private final OutputStream out;
    private final SecretKey key;
    private final byte[] header;
    private final byte[] name;
    private final Cipher cipher;
    private final SecureRandom random;
    private final byte[] plain;
    private final byte[] sealed;
    private final byte[] nonce = new byte[ChunkFormat.NONCE];
    private int count;
    private long seq;
    private boolean finished;

    /**
     * @param out where the encrypted bytes go
     * @param key a 256-bit AES data key
     * @param fileName the file's name inside its version or checkpoint, bound into every chunk
     * @param chunkSize plaintext bytes per chunk
     */
    public EncryptingOutputStream(OutputStream out, SecretKey key, String fileName, int chunkSize, SecureRandom random)
            throws IOException {
        if (chunkSize < 1 || chunkSize > ChunkFormat.MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size must be 1.." + ChunkFormat.MAX_CHUNK + " but was " + chunkSize);
        }
        this.out = out;
        this.key = key;
        this.header = ChunkFormat.header(chunkSize);
        this.name = ChunkFormat.name(fileName);
        this.random = random;
        this.plain = new byte[chunkSize];
        this.sealed = new byte[ChunkFormat.NONCE + chunkSize + ChunkFormat.TAG];
        try {
            this.cipher = Cipher.getInstance(ChunkFormat.CIPHER);
        } catch (GeneralSecurityException e) {
            throw new IOException("this JVM has no " + ChunkFormat.CIPHER, e);
        }
        out.write(header);
    }

    @Override
    public void write(int b) throws IOException {
        requireOpen();
        if (count == plain.length) {
            seal(false);
        }
        plain[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        requireOpen();
        while (len > 0) {
            if (count == plain.length) {
                // Sealed only once more bytes arrive: a full chunk may turn out to be the last one.
                seal(false);
            }
            if (count == 0 && len > plain.length) {
                // A whole chunk with more bytes after it cannot be the last: seal it from the caller's array
                // without gathering it first (one copy less of every byte of a large model).
                seal(b, off, plain.length, false);
                off += plain.length;
                len -= plain.length;
                continue;
            }
            int n = Math.min(len, plain.length - count);
            System.arraycopy(b, off, plain, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    /** Flushes what is sealed; a partial chunk stays buffered until it is full or {@link #finish()}. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Seals the last chunk (flagged final) and flushes; the target stays open. Idempotent. */
    public void finish() throws IOException {
        if (!finished) {
            seal(true);
            finished = true;
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }

    private void seal(boolean last) throws IOException {
        seal(plain, 0, count, last);
        count = 0;
    }

    /** Seals {@code len} plaintext bytes of {@code src} as chunk {@code seq} and writes the record. */
    private void seal(byte[] src, int off, int len, boolean last) throws IOException {
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, sealed, 0, ChunkFormat.NONCE);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(ChunkFormat.TAG_BITS, sealed, 0, ChunkFormat.NONCE));
            cipher.updateAAD(ChunkFormat.aad(header, name, seq, last));
            int n = cipher.doFinal(src, off, len, sealed, ChunkFormat.NONCE);
            out.write(sealed, 0, ChunkFormat.NONCE + n);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt chunk " + seq + ": " + e.getMessage(), e);
        }
        seq++;
    }

    private void requireOpen() throws IOException {
        if (finished) {
            throw new IOException("encrypted stream already finished");
        }
    }
}
