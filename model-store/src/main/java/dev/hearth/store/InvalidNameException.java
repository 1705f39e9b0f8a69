package dev.hearth.store;

/** A model name, alias or reference breaks the naming rule; thrown before the file system is touched. */
public class InvalidNameException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    public InvalidNameException(String message) {
        super(message);
    }
}
