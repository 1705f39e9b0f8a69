package dev.hearth.store.crypto;

import static dev.hearth.store.crypto.CryptoFixtures.newKey;
import static dev.hearth.store.crypto.CryptoFixtures.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The helper threads of the chunked streams: sealing ahead of the writes, opening ahead of the reads. Every test
 * starts them from the first chunks (threshold 0 or one chunk), checks that failures on either side surface in the
 * caller's thread within a bound instead of hanging, that nothing is handed out past a bad chunk, and that no helper
 * thread outlives its stream.
 */
class ChunkPipelineTest {
    private static final int CHUNK = 1024;
    private static final int RECORD = ChunkFormat.NONCE + CHUNK + ChunkFormat.TAG;
    private static final Duration BOUND = Duration.ofSeconds(20);
    private final SecretKey key = newKey();

    @AfterEach
    void noHelperThreadOutlivesItsStream() throws InterruptedException {
        HelperThreads.assertNoneLeft();
    }

    @Test
    void pipelinedAndInlineStreamsWriteTheSameFormat() throws IOException {
        byte[] plain = random(40 * CHUNK + 77, 1);
        for (int piece : new int[] {1, CHUNK, 3 * CHUNK + 5, 1 << 20}) {
            for (long after : new long[] {0, CHUNK, 5L * CHUNK, Long.MAX_VALUE}) {
                byte[] sealed = seal(plain, after, piece);
                String what = "piece " + piece + ", after " + after;
                assertEquals(ChunkFormat.encryptedSize(plain.length, CHUNK), sealed.length, what);
                for (long readAfter : new long[] {0, 2L * CHUNK, Long.MAX_VALUE}) {
                    assertArrayEquals(plain, open(sealed, readAfter), what + ", read ahead after " + readAfter);
                }
            }
        }
    }

    @Test
    void theCallersArrayIsFreeAsSoonAsWriteReturns() throws IOException {
        // Whole chunks are sealed from the caller's array on the helper thread: write must not return before they
        // are, or overwriting the array right after would change what is stored.
        byte[] plain = random(64 * CHUNK + 3, 2);
        byte[] reused = plain.clone();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EncryptingOutputStream enc = new EncryptingOutputStream(out, key, "f", CHUNK, new SecureRandom(), 0)) {
            enc.write(reused, 0, reused.length);
            Arrays.fill(reused, (byte) 0);
        }
        assertArrayEquals(plain, open(out.toByteArray(), 0));
    }

    @Test
    void aFailingTargetFailsTheWriteOrTheFinishAndEveryCallAfter() throws Exception {
        byte[] plain = random(64 * CHUNK, 3);
        OutputStream broken = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 10 * RECORD) {
                    throw new IOException("disk full");
                }
            }
        };
        EncryptingOutputStream enc = new EncryptingOutputStream(broken, key, "f", CHUNK, new SecureRandom(), 0);
        IOException e = assertTimeoutPreemptively(
                BOUND,
                () -> assertThrows(IOException.class, () -> {
                    enc.write(plain, 0, plain.length);
                    enc.finish();
                }));
        assertEquals("disk full", e.getMessage());
        HelperThreads.assertNoneLeft();
        IOException again = assertThrows(IOException.class, () -> enc.write(plain, 0, CHUNK));
        assertTrue(again.getMessage().contains("disk full"), again.getMessage());
        enc.close(); // closes the target without trying to finish the broken file
    }

    @Test
    void aFailingSealOnTheHelperThreadFailsTheCaller() {
        // A key the cipher refuses fails inside the helper thread; the caller gets that failure, not a hang.
        SecretKey bad = new SecretKeySpec(new byte[7], "AES");
        IOException e = assertTimeoutPreemptively(
                BOUND,
                () -> assertThrows(IOException.class, () -> {
                    try (EncryptingOutputStream enc = new EncryptingOutputStream(
                            new ByteArrayOutputStream(), bad, "f", CHUNK, new SecureRandom(), 0)) {
                        enc.write(random(16 * CHUNK, 4));
                    }
                }));
        assertTrue(e.getMessage().startsWith("cannot encrypt chunk 0"), e.getMessage());
    }

    @Test
    void abandonStopsTheSealingThreadAndRefusesMoreBytes() throws Exception {
        EncryptingOutputStream enc =
                new EncryptingOutputStream(new ByteArrayOutputStream(), key, "f", CHUNK, new SecureRandom(), 0);
        enc.write(random(20 * CHUNK + 1, 5));
        assertFalse(HelperThreads.live().isEmpty(), "the sealing thread runs while the file is open");
        enc.abandon();
        HelperThreads.assertNoneLeft();
        assertThrows(IOException.class, () -> enc.write(1));
        assertThrows(IOException.class, enc::finish);
    }

    @Test
    void closingEarlyStopsTheReadAheadBeforeTheSourceIsClosed() throws Exception {
        byte[] sealed = seal(random(200 * CHUNK, 6), 0, 1 << 20);
        AtomicBoolean readAfterClose = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        InputStream source = new FilterInputStream(new ByteArrayInputStream(sealed)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (closed.get()) {
                    readAfterClose.set(true);
                }
                return super.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };
        DecryptingInputStream in = new DecryptingInputStream(source, key, "f", 0);
        byte[] some = new byte[3 * CHUNK];
        assertEquals(CHUNK, in.read(some, 0, some.length));
        assertFalse(HelperThreads.live().isEmpty(), "the read-ahead thread runs while the file is open");
        in.close();
        assertTrue(closed.get());
        HelperThreads.assertNoneLeft();
        assertFalse(readAfterClose.get(), "the helper thread read the source after it was closed");
        assertThrows(IOException.class, () -> in.read(some, 0, 1));
    }

    @Test
    void aBadChunkFarAheadFailsOnlyWhenReachedAndNothingPastItIsHandedOut() throws IOException {
        byte[] plain = random(30 * CHUNK, 7);
        byte[] sealed = seal(plain, 0, 1 << 20);
        sealed[ChunkFormat.HEADER + 12 * RECORD + 100] ^= 1;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (DecryptingInputStream in = new DecryptingInputStream(new ByteArrayInputStream(sealed), key, "f", 0)) {
            byte[] buf = new byte[700];
            TamperedChunkException e = assertTimeoutPreemptively(
                    BOUND,
                    () -> assertThrows(TamperedChunkException.class, () -> {
                        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
                            got.write(buf, 0, n);
                        }
                    }));
            assertTrue(e.getMessage().startsWith("chunk 12 failed authentication"), e.getMessage());
            assertArrayEquals(Arrays.copyOf(plain, 12 * CHUNK), got.toByteArray(), "exactly the good chunks");
            assertThrows(TamperedChunkException.class, () -> in.read(buf, 0, buf.length));
            assertEquals(0, in.available());
        }
    }

    @Test
    void aFailingSourceFailsTheReadThatReachesIt() throws IOException {
        byte[] sealed = seal(random(50 * CHUNK, 8), 0, 1 << 20);
        InputStream source = new FilterInputStream(new ByteArrayInputStream(sealed)) {
            private int read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > 20 * RECORD) {
                    throw new IOException("connection reset");
                }
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                return n;
            }
        };
        try (DecryptingInputStream in = new DecryptingInputStream(source, key, "f", 0)) {
            IOException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(IOException.class, in::readAllBytes));
            assertEquals("connection reset", e.getMessage());
        }
    }

    @Test
    void truncationsAndSwapsAreCaughtWithReadAhead() throws IOException {
        byte[] sealed = seal(random(10 * CHUNK, 9), 0, 1 << 20);
        byte[] cut = Arrays.copyOf(sealed, ChunkFormat.HEADER + 6 * RECORD);
        assertTrue(assertThrows(TamperedChunkException.class, () -> open(cut, 0))
                .getMessage()
                .contains("chunk 5 (the last one present) failed authentication"));
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, ChunkFormat.HEADER + 4 * RECORD, swapped, ChunkFormat.HEADER + 7 * RECORD, RECORD);
        System.arraycopy(sealed, ChunkFormat.HEADER + 7 * RECORD, swapped, ChunkFormat.HEADER + 4 * RECORD, RECORD);
        assertTrue(assertThrows(TamperedChunkException.class, () -> open(swapped, 0))
                .getMessage()
                .startsWith("chunk 4 failed"));
    }

    private byte[] seal(byte[] plain, long after, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EncryptingOutputStream enc = new EncryptingOutputStream(out, key, "f", CHUNK, new SecureRandom(), after)) {
            for (int off = 0; off < plain.length; off += piece) {
                enc.write(plain, off, Math.min(piece, plain.length - off));
            }
        }
        return out.toByteArray();
    }

    private byte[] open(byte[] sealed, long after) throws IOException {
        try (DecryptingInputStream in = new DecryptingInputStream(new ByteArrayInputStream(sealed), key, "f", after)) {
            return in.readAllBytes();
        }
    }
}
