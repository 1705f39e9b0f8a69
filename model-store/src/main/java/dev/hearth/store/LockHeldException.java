package dev.hearth.store;

/** A store lock could not be acquired because another holder has it and it has not expired. */
public class LockHeldException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    private final transient StoreLock current;

    public LockHeldException(String message, StoreLock current) {
        super(message);
        this.current = current;
    }

    /** The lock that is in the way, or null when it could not be read (a contender won the same race). */
    public StoreLock current() {
        return current;
    }
}
