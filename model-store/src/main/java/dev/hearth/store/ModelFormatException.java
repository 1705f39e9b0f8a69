package dev.hearth.store;

/** Stored metadata cannot be read: malformed, or written by a newer format than this reader understands. */
public class ModelFormatException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
