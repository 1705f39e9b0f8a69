package dev.hearth.store;

/**
 * An encrypted stored file failed authentication (altered, truncated, reordered, moved, or sealed under another data
 * key than the one its metadata wraps). The message names the file and the first chunk that failed.
 */
public class DecryptionException extends IntegrityException {
    private static final long serialVersionUID = 1L;

    public DecryptionException(String file, String reason) {
        super(file, "cannot decrypt " + file + ": " + reason);
    }
}
