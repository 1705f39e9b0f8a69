package dev.hearth.store.crypto;

import static dev.hearth.store.crypto.CryptoFixtures.newKey;
import static dev.hearth.store.crypto.CryptoFixtures.random;
import static dev.hearth.testing.Bytes.deflated;
import static dev.hearth.testing.Bytes.indexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class ChunkedStreamsTest {
    private static final int CHUNK = 1024;
    private static final int RECORD = ChunkFormat.NONCE + CHUNK + ChunkFormat.TAG;
    private final SecretKey key = newKey();

    @Test
    void roundTripsEverySizeAroundChunkBoundaries() throws IOException {
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17}) {
            byte[] plain = random(size, size);
            byte[] sealed = seal(plain, "model.zip");
            assertEquals(ChunkFormat.encryptedSize(size, CHUNK), sealed.length, "size " + size);
            assertArrayEquals(plain, open(sealed, "model.zip"), "size " + size);
        }
    }

    @Test
    void writesOneByteAtATimeAsWellAsInBlocks() throws IOException {
        byte[] plain = random(2 * CHUNK + 5, 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EncryptingOutputStream enc = new EncryptingOutputStream(out, key, "f", CHUNK, new SecureRandom())) {
            for (byte b : plain) {
                enc.write(b);
            }
        }
        assertArrayEquals(plain, open(out.toByteArray(), "f"));
    }

    @Test
    void mixedWritesGiveTheSameFormatAsWholeChunksAndPartialOnes() throws IOException {
        // Large writes seal whole chunks straight from the caller's array; the result must not depend on how the
        // plaintext was split: same size, last chunk flagged final (also when it is a whole chunk), same plaintext.
        for (int[] parts : new int[][] {
            {100, 5 * CHUNK, CHUNK, 3}, {CHUNK, 2 * CHUNK}, {3 * CHUNK}, {CHUNK + 1}, {0, 4 * CHUNK - 1, 1}
        }) {
            int size = Arrays.stream(parts).sum();
            byte[] plain = random(size, parts.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (EncryptingOutputStream enc = new EncryptingOutputStream(out, key, "f", CHUNK, new SecureRandom())) {
                int off = 0;
                for (int p : parts) {
                    enc.write(plain, off, p);
                    off += p;
                }
            }
            String what = Arrays.toString(parts);
            assertEquals(ChunkFormat.encryptedSize(size, CHUNK), out.size(), what);
            assertArrayEquals(plain, open(out.toByteArray(), "f"), what);
            byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() - RECORD);
            assertThrows(TamperedChunkException.class, () -> open(cut, "f"), what);
        }
    }

    @Test
    void smallAndWholeChunkReadsInAnyMixGiveThePlaintext() throws IOException {
        // Reads of a whole chunk or more decrypt straight into the caller's array, smaller ones go through a buffer.
        byte[] plain = random(5 * CHUNK + 33, 11);
        byte[] sealed = seal(plain, "f");
        for (int[] sizes : new int[][] {{100, 4 * CHUNK, 7}, {CHUNK}, {CHUNK - 1, CHUNK + 1}, {1}, {3 * CHUNK, 1}}) {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try (DecryptingInputStream in = new DecryptingInputStream(new ByteArrayInputStream(sealed), key, "f")) {
                for (int i = 0; ; i++) {
                    byte[] buf = new byte[sizes[i % sizes.length]];
                    int n = in.read(buf, 0, buf.length);
                    if (n < 0) {
                        break;
                    }
                    assertTrue(n > 0, "read returned 0");
                    got.write(buf, 0, n);
                }
            }
            assertArrayEquals(plain, got.toByteArray(), Arrays.toString(sizes));
        }
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 40] ^= 1;
        byte[] big = new byte[8 * CHUNK];
        try (DecryptingInputStream in = new DecryptingInputStream(new ByteArrayInputStream(flipped), key, "f")) {
            assertThrows(TamperedChunkException.class, () -> {
                while (in.read(big, 0, big.length) >= 0) {
                    // read until the tampered last chunk fails
                }
            });
        }
    }

    @Test
    void aFlippedBitFailsItsChunk() throws IOException {
        byte[] sealed = seal(random(3 * CHUNK, 1), "model.zip");
        sealed[ChunkFormat.HEADER + RECORD + 40] ^= 1;
        TamperedChunkException e = assertThrows(TamperedChunkException.class, () -> open(sealed, "model.zip"));
        assertTrue(e.getMessage().startsWith("chunk 1 failed authentication"), e.getMessage());
    }

    @Test
    void aDroppedLastChunkIsDetected() throws IOException {
        byte[] sealed = seal(random(3 * CHUNK, 2), "model.zip");
        byte[] cut = Arrays.copyOf(sealed, ChunkFormat.HEADER + 2 * RECORD);
        TamperedChunkException e = assertThrows(TamperedChunkException.class, () -> open(cut, "model.zip"));
        assertTrue(e.getMessage().contains("chunk 1 (the last one present) failed authentication"), e.getMessage());
    }

    @Test
    void aCutInsideAChunkIsDetected() throws IOException {
        byte[] sealed = seal(random(3 * CHUNK, 3), "model.zip");
        byte[] cut = Arrays.copyOf(sealed, sealed.length - 10);
        assertThrows(TamperedChunkException.class, () -> open(cut, "model.zip"));
    }

    @Test
    void swappedChunksAreDetected() throws IOException {
        byte[] sealed = seal(random(3 * CHUNK, 4), "model.zip");
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, ChunkFormat.HEADER, swapped, ChunkFormat.HEADER + RECORD, RECORD);
        System.arraycopy(sealed, ChunkFormat.HEADER + RECORD, swapped, ChunkFormat.HEADER, RECORD);
        TamperedChunkException e = assertThrows(TamperedChunkException.class, () -> open(swapped, "model.zip"));
        assertTrue(e.getMessage().startsWith("chunk 0 failed"), e.getMessage());
    }

    @Test
    void aFileMovedUnderAnotherNameOrReadWithAnotherKeyIsRefused() throws IOException {
        byte[] sealed = seal(random(100, 5), "model.zip");
        assertThrows(TamperedChunkException.class, () -> open(sealed, "normalizer.bin"));
        assertThrows(
                TamperedChunkException.class,
                () -> new DecryptingInputStream(new ByteArrayInputStream(sealed), newKey(), "model.zip")
                        .readAllBytes());
    }

    @Test
    void headerEditsAndPlaintextAreRefusedWithTheReason() throws IOException {
        byte[] sealed = seal(random(100, 6), "f");
        byte[] newer = sealed.clone();
        newer[4] = 9;
        assertTrue(assertThrows(TamperedChunkException.class, () -> open(newer, "f"))
                .getMessage()
                .contains("format is 9 but this Hearth reads format 1; upgrade Hearth"));
        byte[] bigChunk = sealed.clone();
        bigChunk[5] = 0x7f;
        assertTrue(assertThrows(TamperedChunkException.class, () -> open(bigChunk, "f"))
                .getMessage()
                .contains("chunk size"));
        assertTrue(assertThrows(TamperedChunkException.class, () -> open("PK\3\4plain".getBytes(), "f"))
                .getMessage()
                .contains("not an encrypted Hearth file"));
    }

    @Test
    void ciphertextHoldsNoPlaintextAndDoesNotCompress() throws IOException {
        byte[] plain = new byte[64 * CHUNK];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i % 7); // very compressible
        }
        byte[] sealed = seal(plain, "model.zip");
        byte[] needle = Arrays.copyOfRange(plain, 1000, 1016);
        assertEquals(-1, indexOf(sealed, needle));
        assertTrue(deflated(sealed) > 0.99 * sealed.length, "ciphertext compressed");
        assertTrue(deflated(plain) < 0.05 * plain.length, "the plaintext itself compresses");
    }

    private byte[] seal(byte[] plain, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EncryptingOutputStream enc = new EncryptingOutputStream(out, key, name, CHUNK, new SecureRandom())) {
            enc.write(plain);
        }
        return out.toByteArray();
    }

    private byte[] open(byte[] sealed, String name) throws IOException {
        try (DecryptingInputStream in = new DecryptingInputStream(new ByteArrayInputStream(sealed), key, name)) {
            return in.readAllBytes();
        }
    }
}
