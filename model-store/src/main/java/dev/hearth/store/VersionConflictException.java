package dev.hearth.store;

/**
 * A change lost a race or would break an invariant: an alias moved since the caller read it (compare-and-swap
 * failed), or a version to delete is still pointed to by an alias or held by a serving lease.
 */
public class VersionConflictException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    public VersionConflictException(String message) {
        super(message);
    }
}
