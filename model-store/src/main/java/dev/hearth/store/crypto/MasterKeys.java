package dev.hearth.store.crypto;

import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.KeyUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.CachingKeyProvider;
import org.apache.hadoop.crypto.key.KeyProvider;
import org.apache.hadoop.crypto.key.KeyProviderCryptoExtension;
import org.apache.hadoop.crypto.key.KeyProviderCryptoExtension.EncryptedKeyVersion;
import org.apache.hadoop.crypto.key.KeyProviderFactory;

/**
 * Master keys behind Hadoop's {@link KeyProvider} API ({@code jceks://file/...} keystores, {@code kms://http@...}
 * KMS): generates wrapped data keys, unwraps them, and re-wraps them under a key's current version. Only the
 * {@link KeyProviderCryptoExtension} operations are used, which a KMS performs on its side: master key material is
 * never asked for. Every failure is a {@link KeyUnavailableException} naming the key, its version and the provider.
 */
public final class MasterKeys {
    /** Data keys are AES-256, so master keys must be 256-bit (Hadoop makes data keys of the master key's length). */
    public static final int KEY_BITS = 256;

    private static final long KEYSTORE_CACHE_MS = 10 * 60 * 1000L;

    private final String providerUri;
    private final KeyProvider provider;
    private final KeyProviderCryptoExtension crypto;

    private MasterKeys(String providerUri, KeyProvider provider) {
        this.providerUri = providerUri;
        this.provider = provider;
        this.crypto = KeyProviderCryptoExtension.createKeyProviderCryptoExtension(provider);
    }

    /**
     * Opens the provider at {@code uri}.
     *
     * @throws KeyUnavailableException when the URI is malformed or names no known provider
     */
    public static MasterKeys open(String uri, Configuration conf) {
        try {
            KeyProvider p = KeyProviderFactory.get(new URI(uri), conf);
            if (p != null && uri.startsWith("jceks://file")) {
                // A local keystore derives each entry's key anew (about 75 ms per read here): keep what this
                // process read, in memory, for as long as this instance lives (StoreCrypto reopens on change).
                p = new CachingKeyProvider(p, KEYSTORE_CACHE_MS, KEYSTORE_CACHE_MS);
            }
            if (p == null) {
                throw new KeyUnavailableException(
                        null,
                        null,
                        "store.encryption.key.provider '" + uri
                                + "' names no key provider (use jceks://file/PATH or kms://http@HOST:PORT/kms)",
                        null);
            }
            return new MasterKeys(uri, p);
        } catch (URISyntaxException | IOException e) {
            throw new KeyUnavailableException(
                    null,
                    null,
                    "cannot open key provider store.encryption.key.provider='" + uri + "': " + e.getMessage(),
                    e);
        }
    }

    /** The provider's URI, for messages. */
    public String providerUri() {
        return providerUri;
    }

    /** A fresh data key wrapped under the current version of master key {@code keyName}. */
    public DataKey newDataKey(String keyName, int chunkSize) {
        checkKey(keyName);
        EncryptedKeyVersion ekv;
        KeyProvider.KeyVersion plain;
        try {
            ekv = crypto.generateEncryptedKey(keyName);
            plain = crypto.decryptEncryptedKey(ekv);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw unavailable(keyName, null, "cannot generate a data key under", e);
        }
        EncryptionInfo info = new EncryptionInfo(
                EncryptionInfo.CIPHER,
                ChunkFormat.VERSION,
                chunkSize,
                keyName,
                ekv.getEncryptionKeyVersionName(),
                b64(ekv.getEncryptedKeyVersion().getMaterial()),
                b64(ekv.getEncryptedKeyIv()),
                Instant.now().toString());
        return new DataKey(aes(plain.getMaterial(), info), info);
    }

    /** The data key of {@code info}, unwrapped by the master key version it names. */
    public SecretKey unwrap(EncryptionInfo info) {
        KeyProvider.KeyVersion plain;
        try {
            plain = crypto.decryptEncryptedKey(ekv(info));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw unavailable(info.keyName(), info.keyVersion(), "cannot unwrap the data key with", e);
        }
        return aes(plain.getMaterial(), info);
    }

    /**
     * {@code info} re-wrapped under the current version of its master key (the data key stays the same, so no file
     * changes); {@code info} itself when it already is.
     */
    public EncryptionInfo rewrap(EncryptionInfo info) {
        String current = currentVersion(info.keyName());
        if (current.equals(info.keyVersion())) {
            return info;
        }
        EncryptedKeyVersion again;
        try {
            again = crypto.reencryptEncryptedKey(ekv(info));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw unavailable(info.keyName(), info.keyVersion(), "cannot re-wrap the data key with", e);
        }
        return info.rewrapped(
                again.getEncryptionKeyVersionName(),
                b64(again.getEncryptedKeyVersion().getMaterial()),
                b64(again.getEncryptedKeyIv()),
                Instant.now().toString());
    }

    /** The name of the current version of master key {@code keyName}, e.g. {@code models@2}. */
    public String currentVersion(String keyName) {
        try {
            KeyProvider.KeyVersion v = provider.getCurrentKey(keyName);
            if (v == null) {
                throw new KeyUnavailableException(
                        keyName, null, "master key '" + keyName + "' does not exist in " + providerUri, null);
            }
            return v.getVersionName();
        } catch (IOException | RuntimeException e) {
            if (e instanceof KeyUnavailableException k) {
                throw k;
            }
            throw unavailable(keyName, null, "cannot read the current version of", e);
        }
    }

    private void checkKey(String keyName) {
        KeyProvider.Metadata meta;
        try {
            meta = provider.getMetadata(keyName);
        } catch (IOException | RuntimeException e) {
            throw unavailable(keyName, null, "cannot read", e);
        }
        if (meta == null) {
            throw new KeyUnavailableException(
                    keyName,
                    null,
                    "master key '" + keyName + "' does not exist in "
                            + providerUri + " (create it with: hadoop key create " + keyName + " -size " + KEY_BITS
                            + " -provider " + providerUri + ")",
                    null);
        }
        if (meta.getBitLength() != KEY_BITS) {
            throw new KeyUnavailableException(
                    keyName,
                    null,
                    "master key '" + keyName + "' in " + providerUri + " has "
                            + meta.getBitLength() + " bits but Hearth needs " + KEY_BITS
                            + "-bit keys (data keys are AES-256;"
                            + " create one with -size " + KEY_BITS + ")",
                    null);
        }
    }

    private static EncryptedKeyVersion ekv(EncryptionInfo info) {
        return EncryptedKeyVersion.createForDecryption(
                info.keyName(),
                info.keyVersion(),
                Base64.getDecoder().decode(info.wrapIv()),
                Base64.getDecoder().decode(info.wrappedKey()));
    }

    private SecretKey aes(byte[] material, EncryptionInfo info) {
        if (material == null || material.length != KEY_BITS / 8) {
            throw new KeyUnavailableException(
                    info.keyName(),
                    info.keyVersion(),
                    "master key version "
                            + info.keyVersion() + " in " + providerUri + " gave a data key of "
                            + (material == null ? 0 : material.length * 8) + " bits, not " + KEY_BITS,
                    null);
        }
        return new SecretKeySpec(material, "AES");
    }

    private KeyUnavailableException unavailable(String keyName, String keyVersion, String what, Exception e) {
        String version = keyVersion == null ? "" : " version " + keyVersion;
        // Provider messages name keys and versions, never material; stack traces stay in the cause.
        return new KeyUnavailableException(
                keyName,
                keyVersion,
                what + " master key '" + keyName + "'" + version + " of " + providerUri + ": "
                        + e.getClass().getSimpleName() + ": " + e.getMessage(),
                e);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
