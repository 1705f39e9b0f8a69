package dev.hearth.store.hadoop;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Hands a stream to a writer that may close it (DL4J's {@code ModelSerializer} does) while the store still has to
 * sync and measure the underlying file afterwards: {@code close()} only flushes.
 */
final class CloseShieldOutputStream extends FilterOutputStream {
    CloseShieldOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
