package dev.hearth.store.crypto;

import dev.hearth.store.EncryptionInfo;
import javax.crypto.SecretKey;

/**
 * A fresh data key and its wrapping: the key encrypts the files, the {@link EncryptionInfo} goes into the metadata.
 *
 * @param key the 256-bit AES data key, in memory only
 * @param info how it is wrapped
 */
public record DataKey(SecretKey key, EncryptionInfo info) {
    @Override
    public String toString() {
        // Never print key material, whoever logs this record.
        return "DataKey[" + info.keyVersion() + "]";
    }
}
