package dev.hearth.store.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Reads a {@link ChunkFormat} file and hands out its plaintext one authenticated chunk at a time: no byte of a chunk
 * is returned before its tag is checked, and end of stream is reported only after the chunk flagged final, so a
 * caller never acts on altered, reordered or truncated data. Failures are {@link TamperedChunkException}s.
 */
public final class DecryptingInputStream extends InputStream {
    private final InputStream in;
    private final SecretKey key;
    private final byte[] name;
    private final Cipher cipher;
    private byte[] header;
    private byte[] record;
    private byte[] plain;
    private int pos;
    private int limit;
    private long seq;
    private boolean done;
    /** A byte read past a full record to learn whether it was the last one; -2 when none is pending. */
    private int pending = -2;

    /**
     * @param in the encrypted bytes, positioned at the header
     * @param key the file's data key
     * @param fileName the name the file was sealed under
     */
    public DecryptingInputStream(InputStream in, SecretKey key, String fileName) throws IOException {
        this.in = in;
        this.key = key;
        this.name = ChunkFormat.name(fileName);
        try {
            this.cipher = Cipher.getInstance(ChunkFormat.CIPHER);
        } catch (GeneralSecurityException e) {
            throw new IOException("this JVM has no " + ChunkFormat.CIPHER, e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos == limit) {
            if (done) {
                return -1;
            }
            if (header == null) {
                readHeader();
            }
            if (len >= plain.length) {
                // Room for a whole chunk: decrypt straight into the caller's array (one copy less). Nothing is
                // returned unless the tag checks; on failure the region is cleared before the exception.
                int n = nextChunk(b, off);
                if (n > 0) {
                    return n;
                }
                continue;
            }
            limit = nextChunk(plain, 0);
            pos = 0;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return limit - pos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void readHeader() throws IOException {
        byte[] h = new byte[ChunkFormat.HEADER];
        int got = readFully(h, 0, h.length);
        if (got < ChunkFormat.MAGIC.length || !ChunkFormat.looksEncrypted(h)) {
            throw new TamperedChunkException("it is not an encrypted Hearth file (no HRTE header)");
        }
        if (got < h.length) {
            throw new TamperedChunkException("its header is truncated (" + got + " of " + h.length + " bytes)");
        }
        ByteBuffer bb = ByteBuffer.wrap(h, ChunkFormat.MAGIC.length, 5);
        int version = bb.get() & 0xff;
        if (version != ChunkFormat.VERSION) {
            throw new TamperedChunkException("its encryption format is " + version + " but this Hearth reads format "
                    + ChunkFormat.VERSION + (version > ChunkFormat.VERSION ? "; upgrade Hearth" : ""));
        }
        int chunk = bb.getInt();
        if (chunk < 1 || chunk > ChunkFormat.MAX_CHUNK) {
            throw new TamperedChunkException("its header declares chunk size " + chunk + ", outside 1.."
                    + ChunkFormat.MAX_CHUNK);
        }
        header = h;
        record = new byte[ChunkFormat.NONCE + chunk + ChunkFormat.TAG];
        plain = new byte[chunk];
    }

    /** Reads, authenticates and decrypts the next chunk into {@code dst} (room for a whole chunk); its length. */
    private int nextChunk(byte[] dst, int dstOff) throws IOException {
        int got = 0;
        if (pending >= 0) {
            record[0] = (byte) pending;
            got = 1;
            pending = -2;
        }
        got += readFully(record, got, record.length - got);
        boolean last;
        if (got < record.length) {
            last = true;
        } else {
            int next = in.read();
            last = next < 0;
            pending = next;
        }
        if (got < ChunkFormat.NONCE + ChunkFormat.TAG) {
            throw new TamperedChunkException("chunk " + seq + " is truncated (" + got + " bytes; the file ends early)");
        }
        int n;
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(ChunkFormat.TAG_BITS, record, 0, ChunkFormat.NONCE));
            cipher.updateAAD(ChunkFormat.aad(header, name, seq, last));
            n = cipher.doFinal(record, ChunkFormat.NONCE, got - ChunkFormat.NONCE, dst, dstOff);
        } catch (AEADBadTagException e) {
            Arrays.fill(dst, dstOff, Math.min(dst.length, dstOff + plain.length), (byte) 0);
            throw new TamperedChunkException("chunk " + seq + (last ? " (the last one present)" : "")
                    + " failed authentication: the file was altered, truncated or reordered, or it is not sealed under"
                    + " this version's data key");
        } catch (GeneralSecurityException e) {
            throw new TamperedChunkException("chunk " + seq + " cannot be decrypted: " + e.getMessage());
        }
        if (!last && n != plain.length) {
            throw new TamperedChunkException("chunk " + seq + " is short but not the last one");
        }
        seq++;
        done = last;
        return n;
    }

    private int readFully(byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(b, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
