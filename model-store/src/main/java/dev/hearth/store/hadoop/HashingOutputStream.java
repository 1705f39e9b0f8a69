package dev.hearth.store.hadoop;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a stored file and its SHA-256 in one pass: bytes go to the file stream in {@value #IO_CHUNK}-byte pieces
 * while a {@link Sha256Lane} hashes the same bytes on a helper thread. Small writes (DL4J's zip writer sends 512
 * bytes at a time) are gathered into a 1 MiB buffer first. {@link #close()} only flushes, because writers such as
 * DL4J's {@code ModelSerializer} close the stream they are given while the store still has to sync and measure the
 * file afterwards.
 */
final class HashingOutputStream extends OutputStream {
    /**
     * Largest piece handed to the file stream at once: {@code FileOutputStream} copies every write above 8 KiB
     * through a native buffer malloc'd to the write's size, which for a 40 MB write costs more than the write.
     */
    static final int IO_CHUNK = 64 * 1024;

    private static final int BUFFER = 1 << 20;

    private final OutputStream out;
    private final int piece;
    private final Sha256Lane lane = new Sha256Lane();
    private byte[] buf;
    private int count;
    private String hex;
    private long size;

    HashingOutputStream(OutputStream out) {
        this(out, IO_CHUNK);
    }

    /**
     * @param piece largest piece handed to {@code out} at once: {@link #IO_CHUNK} for a file stream; an encrypting
     *     stream takes whole buffers (it seals full chunks straight from them and writes records of its own size)
     */
    HashingOutputStream(OutputStream out, int piece) {
        this.out = out;
        this.piece = piece;
    }

    @Override
    public void write(int b) throws IOException {
        if (buf == null) {
            buf = new byte[BUFFER];
        } else if (count == buf.length) {
            flushBuffer();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        requireOpen();
        if (len >= BUFFER) {
            flushBuffer();
            hashAndWrite(b, off, len);
            return;
        }
        if (buf == null) {
            buf = new byte[BUFFER];
        }
        while (len > 0) {
            int n = Math.min(len, buf.length - count);
            System.arraycopy(b, off, buf, count, n);
            count += n;
            off += n;
            len -= n;
            if (count == buf.length) {
                flushBuffer();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    /** Flushes everything to the file stream and returns the lower-case hex SHA-256 of all bytes written. */
    String finish() throws IOException {
        if (hex == null) {
            flush();
            hex = lane.hex();
            lane.close();
        }
        return hex;
    }

    /** Flushes only; the file stream stays open. */
    @Override
    public void close() throws IOException {
        if (hex == null) {
            flush();
        }
    }

    /** Stops the hashing thread without flushing, after a failure. */
    void abandon() {
        lane.close();
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            hashAndWrite(buf, 0, count);
            count = 0;
        }
    }

    /** Bytes written so far (all of them once {@link #finish()} returned). */
    long size() {
        return size + count;
    }

    private void hashAndWrite(byte[] b, int off, int len) throws IOException {
        requireOpen();
        size += len;
        lane.update(b, off, len);
        try {
            for (int end = off + len; off < end; off += piece) {
                out.write(b, off, Math.min(piece, end - off));
            }
        } finally {
            // The caller may reuse b as soon as this returns.
            lane.await();
        }
    }

    private void requireOpen() throws IOException {
        if (hex != null) {
            throw new IOException("stream already finished");
        }
    }
}
