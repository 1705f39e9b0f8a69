package dev.hearth.store.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Future;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Reads a {@link ChunkFormat} file and hands out its plaintext one authenticated chunk at a time: no byte of a chunk
 * is returned before its tag is checked, and end of stream is reported only after the chunk flagged final, so a
 * caller never acts on altered, reordered or truncated data. Failures are {@link TamperedChunkException}s.
 *
 * <p>Once a file has passed {@value #READ_AHEAD_AFTER} bytes, the next chunks are read and opened on a helper thread
 * ({@link ChunkWorker}) while the caller copies out the current one, so AES-GCM overlaps the caller's own work (the
 * store hashes what it reads). At most {@value #DEPTH} chunks are held: the one being read out and the ones opened
 * ahead. A chunk that fails on the helper thread fails the read that reaches it, and every read after it.
 * {@link #close()} stops the helper thread (waiting until it no longer touches the source) before closing the
 * source, also when the caller stops early.
 */
public final class DecryptingInputStream extends InputStream {
    /** Chunks held at once: one read out by the caller, the others opened ahead. */
    static final int DEPTH = 3;
    /** Plaintext bytes opened on the caller's thread before reading ahead starts (small files never start it). */
    static final int READ_AHEAD_AFTER = 1 << 20;

    private final InputStream in;
    private final SecretKey key;
    private final byte[] name;
    private final Cipher cipher;
    private final long readAheadAfter;
    private final ArrayDeque<Future<Chunk>> ahead = new ArrayDeque<>();
    private final ArrayDeque<Chunk> free = new ArrayDeque<>();
    private byte[] header;
    private int chunkSize;
    private int allocated;
    private ChunkWorker worker;
    private Chunk current;
    private int pos;
    private IOException failure;
    private boolean closed;

    // Loader state: touched only by load(), which runs on one thread at a time (the caller's until the helper
    // starts, then only the helper's; the executor orders the hand-over).
    private long loadSeq;
    private boolean loadedLast;
    private boolean loadFailed;
    /** A byte read past a full record to learn whether it was the last one; -2 when none is pending. */
    private int pending = -2;

    /** One chunk's buffers and, once opened, its plaintext. */
    private static final class Chunk {
        final byte[] record;
        final byte[] plain;
        int length;
        boolean last;

        Chunk(int chunkSize) {
            record = new byte[ChunkFormat.NONCE + chunkSize + ChunkFormat.TAG];
            plain = new byte[chunkSize];
        }
    }

    /**
     * @param in the encrypted bytes, positioned at the header
     * @param key the file's data key
     * @param fileName the name the file was sealed under
     */
    public DecryptingInputStream(InputStream in, SecretKey key, String fileName) throws IOException {
        this(in, key, fileName, READ_AHEAD_AFTER);
    }

    /** As the public constructor, with reading ahead starting after {@code readAheadAfter} bytes (tests). */
    DecryptingInputStream(InputStream in, SecretKey key, String fileName, long readAheadAfter) throws IOException {
        this.in = in;
        this.readAheadAfter = readAheadAfter;
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
        requireUsable();
        if (len == 0) {
            return 0;
        }
        while (current == null || pos == current.length) {
            if (current != null && current.last) {
                return -1;
            }
            try {
                next();
            } catch (IOException | RuntimeException | Error e) {
                throw fail(e);
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current.plain, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return current == null || failure != null ? 0 : current.length - pos;
    }

    /** Stops the helper thread, then closes the source. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (failure == null) {
            failure = new IOException("encrypted stream closed");
        }
        try {
            stopWorker();
        } finally {
            in.close();
        }
    }

    /** Makes the next authenticated chunk current: opened here, or taken from the helper thread. */
    private void next() throws IOException {
        if (header == null) {
            readHeader();
        }
        if (current != null) {
            free.push(current);
            current = null;
        }
        if (worker == null) {
            current = load(takeFree());
            pos = 0;
            if (!current.last && loadSeq * chunkSize >= readAheadAfter) {
                worker = new ChunkWorker("hearth-open");
                readAhead();
            }
            return;
        }
        readAhead();
        current = ChunkWorker.await(ahead.poll());
        pos = 0;
        if (!current.last) {
            readAhead();
        }
    }

    /** Hands chunks to the helper thread until {@value #DEPTH} minus the current one are under way. */
    private void readAhead() throws IOException {
        while (ahead.size() < DEPTH - 1) {
            Chunk c = takeFree();
            if (c == null) {
                return;
            }
            ahead.add(worker.submit(() -> load(c)));
        }
    }

    /** A chunk not in use, allocated while fewer than {@value #DEPTH} exist; null when all are in use. */
    private Chunk takeFree() {
        if (!free.isEmpty()) {
            return free.pop();
        }
        if (allocated < DEPTH) {
            allocated++;
            return new Chunk(chunkSize);
        }
        return null;
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
            throw new TamperedChunkException(
                    "its header declares chunk size " + chunk + ", outside 1.." + ChunkFormat.MAX_CHUNK);
        }
        header = h;
        chunkSize = chunk;
    }

    /**
     * Reads, authenticates and opens the next chunk into {@code c}; the chunk, or {@code c} unfilled when the final
     * chunk was loaded before (a read-ahead past the end). After a failure every later call fails too.
     */
    private Chunk load(Chunk c) throws IOException {
        if (loadFailed) {
            throw new IOException("an earlier chunk of this file failed");
        }
        if (loadedLast) {
            c.length = 0;
            c.last = true;
            return c;
        }
        try {
            loadChunk(c);
            return c;
        } catch (IOException | RuntimeException | Error e) {
            loadFailed = true;
            throw e;
        }
    }

    private void loadChunk(Chunk c) throws IOException {
        long seq = loadSeq;
        byte[] record = c.record;
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
            cipher.init(
                    Cipher.DECRYPT_MODE, key, new GCMParameterSpec(ChunkFormat.TAG_BITS, record, 0, ChunkFormat.NONCE));
            cipher.updateAAD(ChunkFormat.aad(header, name, seq, last));
            n = cipher.doFinal(record, ChunkFormat.NONCE, got - ChunkFormat.NONCE, c.plain, 0);
        } catch (AEADBadTagException e) {
            Arrays.fill(c.plain, (byte) 0);
            throw new TamperedChunkException("chunk " + seq + (last ? " (the last one present)" : "")
                    + " failed authentication: the file was altered, truncated or reordered, or it is not sealed under"
                    + " this version's data key");
        } catch (GeneralSecurityException e) {
            throw new TamperedChunkException("chunk " + seq + " cannot be decrypted: " + e.getMessage());
        }
        if (!last && n != chunkSize) {
            throw new TamperedChunkException("chunk " + seq + " is short but not the last one");
        }
        c.length = n;
        c.last = last;
        loadSeq++;
        loadedLast = last;
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

    /** Records the first failure and stops the helper thread; later reads fail with it. */
    private IOException fail(Throwable e) {
        stopWorker();
        IOException io = e instanceof IOException x ? x : new IOException("decrypting failed: " + e, e);
        if (failure == null) {
            failure = io;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return io;
    }

    private void requireUsable() throws IOException {
        if (failure != null) {
            if (failure instanceof TamperedChunkException t) {
                // The same reason again (callers may read on after catching): never any plaintext after a bad chunk.
                throw new TamperedChunkException(t.getMessage());
            }
            throw new IOException(failure.getMessage(), failure);
        }
    }

    private void stopWorker() {
        if (worker != null) {
            worker.stop();
        }
    }
}
