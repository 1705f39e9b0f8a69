package dev.hearth.store;

/**
 * A version (or checkpoint) is encrypted and its data key cannot be unwrapped here: no key provider is configured,
 * the master key or its version does not exist there (e.g. retired), the caller may not use it, or the provider
 * cannot be reached (then the cause is an {@link java.io.IOException} and trying again may help). The message names
 * the key and its version, never key material.
 */
public class KeyUnavailableException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    private final String keyName;
    private final String keyVersion;

    public KeyUnavailableException(String keyName, String keyVersion, String message, Throwable cause) {
        super(message, cause);
        this.keyName = keyName;
        this.keyVersion = keyVersion;
    }

    /** The master key's name. */
    public String keyName() {
        return keyName;
    }

    /** The master key version that is needed, null when any version would do. */
    public String keyVersion() {
        return keyVersion;
    }
}
