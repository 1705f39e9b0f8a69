package dev.hearth.store.crypto;

import java.io.IOException;

/**
 * An encrypted file failed authentication or does not follow the {@link ChunkFormat}: its bytes were altered,
 * truncated, reordered or moved, or it was sealed under another data key. The message names the chunk, never a key.
 */
public final class TamperedChunkException extends IOException {
    private static final long serialVersionUID = 1L;

    public TamperedChunkException(String message) {
        super(message);
    }
}
