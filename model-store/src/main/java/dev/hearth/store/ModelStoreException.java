package dev.hearth.store;

/** Base of the store's exception family; unchecked so callers decide where to map it (CLI exit code, HTTP status). */
public class ModelStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelStoreException(String message) {
        super(message);
    }

    public ModelStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
