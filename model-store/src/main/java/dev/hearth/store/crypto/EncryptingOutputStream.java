package dev.hearth.store.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts a stream into the {@link ChunkFormat}. Plaintext is sealed chunk by chunk with a fresh random nonce each;
 * once a file has passed {@value #PIPELINE_AFTER} bytes, chunks are sealed on a helper thread ({@link ChunkWorker})
 * while the caller's thread writes the chunks sealed before, so AES-GCM overlaps the file system's work. At most
 * {@value #DEPTH} chunks are in flight, so memory stays at a few chunks whatever the file's size, and records are
 * written in order. Whole chunks of a large write are sealed straight from the caller's array; {@code write} returns
 * only once nothing reads that array any more. A failed seal or a failed write of the target fails this call or a
 * later one (never lost), stops the helper thread, and fails every call after it.
 *
 * <p>{@link #flush()} never seals a partial chunk (every chunk but the last must be full); {@link #finish()} seals the
 * last chunk, flagged final, writes everything and stops the helper thread; {@link #close()} finishes and closes the
 * target; {@link #abandon()} stops the helper thread without writing more, for a caller giving up on the file.
 */
public final class EncryptingOutputStream extends OutputStream {
    /** Chunks in flight: one being written while the next ones are sealed. */
    static final int DEPTH = 3;
    /** Plaintext bytes sealed on the caller's thread before the helper thread starts (small files never start it). */
    static final int PIPELINE_AFTER = 1 << 20;

    private final OutputStream out;
    private final SecretKey key;
    private final byte[] header;
    private final byte[] name;
    private final Cipher cipher;
    private final SecureRandom random;
    private final int chunkSize;
    private final long pipelineAfter;
    private final Slot[] slots = new Slot[DEPTH];
    private final byte[] nonce = new byte[ChunkFormat.NONCE];
    private ChunkWorker worker;
    /** Plaintext bytes gathered in the current chunk's slot. */
    private int count;
    /** Sequence number of the chunk being gathered (all before it are sealed or being sealed). */
    private long seq;
    /** Chunks written to the target so far. */
    private long written;

    private boolean finished;
    private IOException failure;

    /** One chunk's buffers and, while it is sealed on the helper thread, its pending result. */
    private static final class Slot {
        byte[] plain;
        final byte[] record;
        Future<Integer> sealing;
        int length;

        Slot(int chunkSize) {
            record = new byte[ChunkFormat.NONCE + chunkSize + ChunkFormat.TAG];
        }
    }

    /**
     * @param out where the encrypted bytes go
     * @param key a 256-bit AES data key
     * @param fileName the file's name inside its version or checkpoint, bound into every chunk
     * @param chunkSize plaintext bytes per chunk
     */
    public EncryptingOutputStream(OutputStream out, SecretKey key, String fileName, int chunkSize, SecureRandom random)
            throws IOException {
        this(out, key, fileName, chunkSize, random, PIPELINE_AFTER);
    }

    /** As the public constructor, with the helper thread starting after {@code pipelineAfter} bytes (tests). */
    EncryptingOutputStream(
            OutputStream out, SecretKey key, String fileName, int chunkSize, SecureRandom random, long pipelineAfter)
            throws IOException {
        if (chunkSize < 1 || chunkSize > ChunkFormat.MAX_CHUNK) {
            throw new IllegalArgumentException(
                    "chunk size must be 1.." + ChunkFormat.MAX_CHUNK + " but was " + chunkSize);
        }
        this.out = out;
        this.key = key;
        this.header = ChunkFormat.header(chunkSize);
        this.name = ChunkFormat.name(fileName);
        this.random = random;
        this.chunkSize = chunkSize;
        this.pipelineAfter = pipelineAfter;
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
        try {
            if (count == chunkSize) {
                sealGathered(false);
            }
            gatherSlot().plain[count++] = (byte) b;
        } catch (IOException | RuntimeException | Error e) {
            throw fail(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        requireOpen();
        boolean borrowed = false;
        try {
            while (len > 0) {
                if (count == chunkSize) {
                    // Sealed only once more bytes arrive: a full chunk may turn out to be the last one.
                    sealGathered(false);
                }
                if (count == 0 && len > chunkSize) {
                    // A whole chunk with more bytes after it cannot be the last: seal it from the caller's array
                    // without gathering it first (one copy less of every byte of a large model).
                    submit(acquire(), b, off, chunkSize, false);
                    borrowed = true;
                    off += chunkSize;
                    len -= chunkSize;
                    continue;
                }
                Slot slot = gatherSlot();
                int n = Math.min(len, chunkSize - count);
                System.arraycopy(b, off, slot.plain, count, n);
                count += n;
                off += n;
                len -= n;
            }
            if (borrowed) {
                // The caller may reuse b as soon as this returns: wait until every seal reading it is done.
                awaitSeals();
            }
        } catch (IOException | RuntimeException | Error e) {
            throw fail(e);
        }
    }

    /** Writes what is sealed and flushes; a partial chunk stays buffered until it is full or {@link #finish()}. */
    @Override
    public void flush() throws IOException {
        requireUsable();
        try {
            writeUpTo(seq);
            out.flush();
        } catch (IOException | RuntimeException | Error e) {
            throw fail(e);
        }
    }

    /** Seals the last chunk (flagged final), writes every chunk and flushes; the target stays open. Idempotent. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        requireUsable();
        try {
            sealGathered(true);
            writeUpTo(seq);
            out.flush();
            finished = true;
        } catch (IOException | RuntimeException | Error e) {
            throw fail(e);
        } finally {
            stopWorker();
        }
    }

    /** Finishes (unless a failure came before) and closes the target; the helper thread is stopped in any case. */
    @Override
    public void close() throws IOException {
        try {
            if (failure == null) {
                finish();
            }
        } finally {
            stopWorker();
            out.close();
        }
    }

    /** Stops the helper thread without writing anything more; the stream is unusable afterwards. Idempotent. */
    public void abandon() {
        if (failure == null && !finished) {
            failure = new IOException("encrypted stream abandoned");
        }
        stopWorker();
    }

    /** The slot of the chunk being gathered, free and with a plaintext buffer. */
    private Slot gatherSlot() throws IOException {
        Slot slot = count == 0 ? acquire() : slots[(int) (seq % DEPTH)];
        if (slot.plain == null) {
            slot.plain = new byte[chunkSize];
        }
        return slot;
    }

    /** The slot of chunk {@code seq}, after the chunk it held before was written. */
    private Slot acquire() throws IOException {
        writeUpTo(seq - DEPTH + 1);
        int i = (int) (seq % DEPTH);
        if (slots[i] == null) {
            slots[i] = new Slot(chunkSize);
        }
        return slots[i];
    }

    private void sealGathered(boolean last) throws IOException {
        Slot slot = gatherSlot();
        submit(slot, slot.plain, 0, count, last);
        count = 0;
    }

    /** Seals {@code len} bytes of {@code src} as chunk {@code seq} into {@code slot}: inline, or on the helper thread. */
    private void submit(Slot slot, byte[] src, int off, int len, boolean last) throws IOException {
        long n = seq++;
        if (worker == null && !last && n * chunkSize >= pipelineAfter) {
            worker = new ChunkWorker("hearth-seal");
        }
        if (worker == null) {
            slot.length = seal(src, off, len, last, n, slot.record);
            slot.sealing = null;
        } else {
            slot.sealing = worker.submit(() -> seal(src, off, len, last, n, slot.record));
        }
        if (worker == null) {
            writeUpTo(seq);
        }
    }

    /** Seals chunk {@code n} into {@code record} (nonce, ciphertext, tag); the record's length. */
    private int seal(byte[] src, int off, int len, boolean last, long n, byte[] record) throws IOException {
        // Runs on one thread at a time (inline before the helper starts, then only there): the nonce buffer and
        // the cipher need no lock.
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, record, 0, ChunkFormat.NONCE);
        try {
            cipher.init(
                    Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(ChunkFormat.TAG_BITS, record, 0, ChunkFormat.NONCE));
            cipher.updateAAD(ChunkFormat.aad(header, name, n, last));
            return ChunkFormat.NONCE + cipher.doFinal(src, off, len, record, ChunkFormat.NONCE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt chunk " + n + ": " + e.getMessage(), e);
        }
    }

    /** Writes chunks {@code written..upTo-1} in order, waiting for those still being sealed. */
    private void writeUpTo(long upTo) throws IOException {
        while (written < upTo) {
            Slot slot = slots[(int) (written % DEPTH)];
            if (slot.sealing != null) {
                slot.length = ChunkWorker.await(slot.sealing);
                slot.sealing = null;
            }
            out.write(slot.record, 0, slot.length);
            written++;
        }
    }

    /** Waits until every chunk handed to the helper thread is sealed (their records stay to be written). */
    private void awaitSeals() throws IOException {
        for (Slot slot : slots) {
            if (slot != null && slot.sealing != null) {
                slot.length = ChunkWorker.await(slot.sealing);
                slot.sealing = null;
            }
        }
    }

    /** Records the first failure, stops the helper thread (nothing reads the caller's array after this returns). */
    private IOException fail(Throwable e) {
        stopWorker();
        IOException io = e instanceof IOException x ? x : new IOException("encrypting failed: " + e, e);
        if (failure == null) {
            failure = io;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return io;
    }

    private void stopWorker() {
        if (worker != null) {
            worker.stop();
        }
    }

    private void requireOpen() throws IOException {
        requireUsable();
        if (finished) {
            throw new IOException("encrypted stream already finished");
        }
    }

    private void requireUsable() throws IOException {
        if (failure != null) {
            throw new IOException("encrypted stream failed earlier: " + failure.getMessage(), failure);
        }
    }
}
