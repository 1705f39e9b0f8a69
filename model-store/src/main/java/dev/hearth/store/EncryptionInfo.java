package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How the files of an encrypted version are sealed (the {@code encryption} entry of {@code metadata.json}): the
 * cipher and chunk size, the master key's name and version, and the version's data key as wrapped by that master key
 * version (Hadoop's {@code EncryptedKeyVersion}: wrapped material and its IV). Never the data key itself: only a
 * holder of the master key (a keystore or a KMS that allows the caller) can unwrap it.
 *
 * @param cipher the cipher of every chunk, {@value #CIPHER}
 * @param format the chunked file format version (magic {@code HRTE})
 * @param chunkSize plaintext bytes per chunk
 * @param keyName the master key's name
 * @param keyVersion the master key version that wrapped the data key, e.g. {@code models@1}
 * @param wrappedKey base64 of the wrapped data key
 * @param wrapIv base64 of the IV the master key version wrapped it with
 * @param wrappedAt ISO-8601 instant of the wrapping (publish, encrypt or rekey)
 */
@JsonPropertyOrder({"cipher", "format", "chunkSize", "keyName", "keyVersion", "wrappedKey", "wrapIv", "wrappedAt"})
public record EncryptionInfo(
        String cipher,
        int format,
        int chunkSize,
        String keyName,
        String keyVersion,
        String wrappedKey,
        String wrapIv,
        String wrappedAt) {

    /** The only cipher written and read. */
    public static final String CIPHER = "AES-256-GCM";

    /** The oldest metadata format that can carry an {@code encryption} entry: older readers refuse such versions. */
    public static final int MIN_METADATA_FORMAT = 3;

    public EncryptionInfo {
        if (!CIPHER.equals(cipher)) {
            throw new IllegalArgumentException("encryption.cipher must be " + CIPHER + " but was '" + cipher + "'");
        }
        if (keyName == null || keyName.isBlank() || keyVersion == null || wrappedKey == null || wrapIv == null) {
            throw new IllegalArgumentException("encryption needs keyName, keyVersion, wrappedKey and wrapIv");
        }
    }

    /** This wrapping with another master key version's wrapped key. */
    public EncryptionInfo rewrapped(String newKeyVersion, String newWrappedKey, String newWrapIv, String at) {
        return new EncryptionInfo(cipher, format, chunkSize, keyName, newKeyVersion, newWrappedKey, newWrapIv, at);
    }
}
