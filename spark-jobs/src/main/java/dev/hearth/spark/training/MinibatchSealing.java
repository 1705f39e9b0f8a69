package dev.hearth.spark.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.spark.serde.MinibatchFiles;
import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.crypto.ChunkFormat;
import dev.hearth.store.crypto.DataKey;
import dev.hearth.store.crypto.DecryptingInputStream;
import dev.hearth.store.crypto.EncryptingOutputStream;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.crypto.MasterKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import javax.crypto.SecretKey;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Encryption of the exported minibatch files (user data on the default file system) with the store's scheme: one
 * data key per training session, wrapped by the model's master key; executors receive only the wrapped key and the
 * provider's address, unwrap it themselves (so no data key travels through Spark's RPC or block manager), and seal
 * or open each file in the chunked AES-256-GCM format bound to the file's name.
 */
final class MinibatchSealing implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The Spark local property through which the training pipeline names the model being trained. */
    static final String MODEL_PROPERTY = "hearth.model.name";

    /**
     * Data keys unwrapped in this JVM, by wrapped key: every export and training task of a session needs the same key,
     * and a task has no longer-lived home than its executor's JVM, so this is static (bounded: one entry per training
     * session, cleared past a handful). Without it each task paid a key-provider round trip (a KMS call, or opening a keystore and
     * deriving its key).
     */
    private static final java.util.Map<String, SecretKey> UNWRAPPED = new java.util.concurrent.ConcurrentHashMap<>();

    private final String provider;
    private final String wrapped;
    private transient SecretKey key;

    private MinibatchSealing(String provider, String wrapped, SecretKey key) {
        this.provider = provider;
        this.wrapped = wrapped;
        this.key = key;
    }

    /** Sealing for this session's exports, or null when the model is not encrypted. */
    static MinibatchSealing forSession(JavaSparkContext sc) {
        EncryptionSettings settings = EncryptionSettings.from(sc.hadoopConfiguration());
        String model = sc.getLocalProperty(MODEL_PROPERTY);
        String keyName =
                model == null ? (settings.keyName().isEmpty() ? null : settings.keyName()) : settings.keyFor(model);
        if (keyName == null) {
            return null;
        }
        DataKey dk = MasterKeys.open(settings.provider(), sc.hadoopConfiguration())
                .newDataKey(keyName, ChunkFormat.DEFAULT_CHUNK);
        try {
            String wrapped = new ObjectMapper().writeValueAsString(dk.info());
            UNWRAPPED.put(wrapped, dk.key());
            return new MinibatchSealing(settings.provider(), wrapped, dk.key());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code out} sealed; closing the result finishes the last chunk and closes {@code out}. */
    OutputStream seal(OutputStream out, String fileName) throws IOException {
        return new EncryptingOutputStream(out, key(), fileName, ChunkFormat.DEFAULT_CHUNK, new SecureRandom());
    }

    /** The plaintext of a sealed file. */
    InputStream open(InputStream in, String fileName) throws IOException {
        return new DecryptingInputStream(in, key(), fileName);
    }

    private synchronized SecretKey key() throws IOException {
        if (key == null) {
            key = UNWRAPPED.get(wrapped);
        }
        if (key == null) {
            EncryptionInfo info = new ObjectMapper().readValue(wrapped, EncryptionInfo.class);
            key = MasterKeys.open(provider, new Configuration()).unwrap(info);
            if (UNWRAPPED.size() > 8) {
                UNWRAPPED.clear();
            }
            UNWRAPPED.put(wrapped, key);
        }
        return key;
    }

    /** DL4J loader of sealed minibatch files, for {@code SparkDl4jMultiLayer.fitPaths}. */
    static final class Loader implements DataSetLoader {
        private static final long serialVersionUID = 1L;
        private final MinibatchSealing sealing;

        Loader(MinibatchSealing sealing) {
            this.sealing = sealing;
        }

        @Override
        public DataSet load(Source source) throws IOException {
            String path = source.getPath();
            try (InputStream in = sealing.open(source.getInputStream(), path.substring(path.lastIndexOf('/') + 1))) {
                return MinibatchFiles.read(in, path);
            }
        }
    }
}
