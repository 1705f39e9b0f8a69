package dev.hearth.store;

/** A stored file's SHA-256 differs from the checksum recorded at publish time. */
public class IntegrityException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String expected;
    private final String actual;

    public IntegrityException(String file, String expected, String actual) {
        super("integrity check failed for " + file + ": expected sha256 " + expected + " but was " + actual);
        this.file = file;
        this.expected = expected;
        this.actual = actual;
    }

    /** For subclasses whose failure is not a hash mismatch; {@link #expected()} and {@link #actual()} are null. */
    protected IntegrityException(String file, String message) {
        super(message);
        this.file = file;
        this.expected = null;
        this.actual = null;
    }

    public String file() {
        return file;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
