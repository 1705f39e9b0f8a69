package dev.hearth.store.hadoop;

import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.crypto.ChunkFormat;
import dev.hearth.store.crypto.DataKey;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.crypto.MasterKeys;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import org.apache.hadoop.conf.Configuration;

/**
 * The store's view of encryption: which master key new versions of a model get ({@link EncryptionSettings}), and the
 * key provider, opened on first use so a store that never meets an encrypted file never contacts one.
 */
final class StoreCrypto {
    /** The suffix of an encrypted file in a version directory: {@code model.zip} is stored as {@code model.zip.enc}. */
    static final String SUFFIX = ".enc";

    private final EncryptionSettings settings;
    private final Configuration conf;
    private final SecureRandom random = new SecureRandom();
    /**
     * Data keys this process has unwrapped, by wrapping: a KMS round trip, or opening a keystore and deriving its
     * key, per read would dominate loading small models. Memory only, bounded; a key is
     * added only after its master key version unwrapped it here.
     */
    private final Map<String, SecretKey> unwrapped = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
            return size() > 256;
        }
    };

    private MasterKeys keys;
    private String keysStamp;

    StoreCrypto(Configuration conf) {
        this.settings = EncryptionSettings.from(conf);
        this.conf = conf;
    }

    EncryptionSettings settings() {
        return settings;
    }

    SecureRandom random() {
        return random;
    }

    /** A fresh data key for a new version of {@code model}; null when the model is written in plaintext. */
    DataKey newDataKey(String model) {
        String key = settings.keyFor(model);
        return key == null ? null : newDataKeyUnder(key);
    }

    /** A fresh data key wrapped by master key {@code keyName}. */
    DataKey newDataKeyUnder(String keyName) {
        DataKey key = keys(keyName, null, "encrypt with").newDataKey(keyName, ChunkFormat.DEFAULT_CHUNK);
        synchronized (unwrapped) {
            unwrapped.put(wrapping(key.info()), key.key());
        }
        return key;
    }

    private static String wrapping(EncryptionInfo info) {
        return info.keyName() + "/" + info.keyVersion() + "/" + info.wrapIv() + "/" + info.wrappedKey();
    }

    /**
     * The data key of an encrypted version or checkpoint.
     *
     * @param what what is being read, e.g. {@code iris/3}, named in errors
     */
    SecretKey unwrap(EncryptionInfo info, String what) {
        String wrapping = wrapping(info);
        synchronized (unwrapped) {
            SecretKey known = unwrapped.get(wrapping);
            if (known != null) {
                return known;
            }
        }
        try {
            SecretKey key = keys(info.keyName(), info.keyVersion(), "unwrap the data key with")
                    .unwrap(info);
            synchronized (unwrapped) {
                unwrapped.put(wrapping, key);
            }
            return key;
        } catch (KeyUnavailableException e) {
            throw new KeyUnavailableException(
                    e.keyName(),
                    e.keyVersion(),
                    "cannot read " + what + ": " + e.getMessage(),
                    e.getCause() == null ? e : e.getCause());
        }
    }

    /** {@code info} re-wrapped under its master key's current version. */
    EncryptionInfo rewrap(EncryptionInfo info, String what) {
        return keys(info.keyName(), info.keyVersion(), "re-key " + what + ", which is encrypted with")
                .rewrap(info);
    }

    /** The current version of master key {@code keyName}. */
    String currentVersion(String keyName) {
        return keys(keyName, null, "use").currentVersion(keyName);
    }

    private synchronized MasterKeys keys(String keyName, String keyVersion, String action) {
        if (!settings.hasProvider()) {
            throw new KeyUnavailableException(
                    keyName,
                    keyVersion,
                    "cannot " + action + " master key '" + keyName + "'"
                            + (keyVersion == null ? "" : " (version " + keyVersion + ")")
                            + ": no key provider is configured"
                            + " (set " + EncryptionSettings.KEY_PROVIDER + ")",
                    null);
        }
        // A KMS client answers from the server (and holds connections): keep it. A local keystore is read when its
        // provider opens: reopen it when the file changed, so a `hadoop key roll` or a retired version shows
        // without a restart. Other keystores (e.g. jceks on HDFS) are reopened per use.
        String stamp = stamp();
        if (keys == null || stamp == null || !stamp.equals(keysStamp)) {
            keys = MasterKeys.open(settings.provider(), conf);
            keysStamp = stamp;
        }
        return keys;
    }

    /** What identifies the provider's current state cheaply: "kms", a local keystore's time and size, else null. */
    private String stamp() {
        String uri = settings.provider();
        if (uri.startsWith("kms")) {
            return "kms";
        }
        if (uri.startsWith("jceks://file")) {
            java.io.File f = new java.io.File(java.net.URI.create(uri).getPath());
            return f.lastModified() + ":" + f.length();
        }
        return null;
    }
}
