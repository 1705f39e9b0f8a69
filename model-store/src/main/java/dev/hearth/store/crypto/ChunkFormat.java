package dev.hearth.store.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The on-disk format of an encrypted file (see the module README): a header of magic {@code HRTE}, format version
 * (1 byte) and plaintext chunk size (4 bytes, big-endian), then chunks of {@code nonce (12) || AES-256-GCM
 * ciphertext || tag (16)}. Every chunk's associated data is the header, the file's name, the chunk's sequence
 * number and a final-chunk flag, so a flipped bit, a dropped or repeated chunk, two swapped chunks, a truncated
 * file, a file moved under another name and a header edit all fail authentication. Every chunk except the last
 * holds exactly the chunk size of plaintext; the last holds 0 to chunk size bytes and is the only one flagged final.
 */
public final class ChunkFormat {
    /** The first four bytes of every encrypted file. */
    public static final byte[] MAGIC = {'H', 'R', 'T', 'E'};
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    /**
     * Plaintext bytes per chunk written by default. 256 KiB rather than 64 KiB since chunks are handed between
     * threads (fewer hand-overs; measured faster). Readers take the size from each file's header, so files written
     * with 64 KiB chunks read as before.
     */
    public static final int DEFAULT_CHUNK = 256 * 1024;
    /** Largest chunk size accepted from a header (a hostile header must not make a reader allocate gigabytes). */
    public static final int MAX_CHUNK = 8 * 1024 * 1024;

    static final int HEADER = MAGIC.length + 1 + 4;
    static final int NONCE = 12;
    static final int TAG = 16;
    static final int TAG_BITS = TAG * 8;
    /** The cipher every chunk uses. */
    public static final String CIPHER = "AES/GCM/NoPadding";

    private ChunkFormat() {}

    static byte[] header(int chunkSize) {
        return ByteBuffer.allocate(HEADER)
                .put(MAGIC)
                .put((byte) VERSION)
                .putInt(chunkSize)
                .array();
    }

    /** The associated data of chunk {@code seq}: header, name (length-prefixed), sequence number, final flag. */
    static byte[] aad(byte[] header, byte[] name, long seq, boolean last) {
        return ByteBuffer.allocate(header.length + 4 + name.length + 8 + 1)
                .put(header)
                .putInt(name.length)
                .put(name)
                .putLong(seq)
                .put((byte) (last ? 1 : 0))
                .array();
    }

    static byte[] name(String fileName) {
        return fileName.getBytes(StandardCharsets.UTF_8);
    }

    /** Size on disk of an encrypted file holding {@code plaintext} bytes in chunks of {@code chunkSize}. */
    public static long encryptedSize(long plaintext, int chunkSize) {
        long chunks = plaintext == 0 ? 1 : (plaintext + chunkSize - 1) / chunkSize;
        return HEADER + chunks * (NONCE + TAG) + plaintext;
    }

    /** Whether {@code head} (the first bytes of a file) starts with the magic. */
    public static boolean looksEncrypted(byte[] head) {
        if (head.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
