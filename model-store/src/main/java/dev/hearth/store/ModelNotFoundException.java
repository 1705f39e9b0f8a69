package dev.hearth.store;

/** The named model, version or file does not exist (or is not committed) in the store. */
public class ModelNotFoundException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String message) {
        super(message);
    }
}
