package dev.hearth.store.testing;

import dev.hearth.store.crypto.EncryptionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.KeyProvider;
import org.apache.hadoop.crypto.key.KeyProviderFactory;

/**
 * A real {@code jceks://file} keystore in a test directory, managed through Hadoop's KeyProvider API as
 * {@code hadoop key create/roll} would; retiring a key version removes that version's entry from the keystore.
 */
public final class TestKeystore {
    /** Hadoop's JavaKeyStoreProvider uses this password when none is configured. */
    private static final char[] DEFAULT_PASSWORD = "none".toCharArray();

    private final Path file;

    public TestKeystore(Path dir) {
        this.file = dir.resolve("keys.jceks");
    }

    /** The provider URI, as store.encryption.key.provider. */
    public String uri() {
        return "jceks://file" + file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** Creates a 256-bit master key (or {@code bits}) and returns its version name. */
    public String create(String name, int bits) throws Exception {
        KeyProvider p = provider();
        KeyProvider.Options o = new KeyProvider.Options(new Configuration(false));
        o.setBitLength(bits);
        o.setCipher("AES/CTR/NoPadding");
        String v = p.createKey(name, o).getVersionName();
        p.flush();
        return v;
    }

    /** Rolls the key to a new version and returns its name. */
    public String roll(String name) throws Exception {
        KeyProvider p = provider();
        String v = p.rollNewVersion(name).getVersionName();
        p.flush();
        return v;
    }

    /** The raw material of a key version, to prove it is written nowhere else. */
    public byte[] material(String versionName) throws IOException {
        return provider().getKeyVersion(versionName).getMaterial();
    }

    /** Removes one key version from the keystore: nothing wrapped by it can be unwrapped any more. */
    public void retire(String versionName) throws Exception {
        KeyStore ks = KeyStore.getInstance("jceks");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, DEFAULT_PASSWORD);
        }
        if (!ks.containsAlias(versionName)) {
            throw new IllegalStateException("no key version " + versionName + " in " + file);
        }
        ks.deleteEntry(versionName);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, DEFAULT_PASSWORD);
        }
        // Hadoop's local file system keeps a checksum beside the keystore; it describes the old content now.
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    /** A Hadoop configuration whose store encrypts new versions with {@code keyName} (null: reads only). */
    public Configuration conf(String keyName) {
        Configuration conf = new Configuration();
        conf.set(EncryptionSettings.KEY_PROVIDER, uri());
        conf.set(EncryptionSettings.KEY_NAME, keyName == null ? "" : keyName);
        return conf;
    }

    private KeyProvider provider() throws IOException {
        try {
            return KeyProviderFactory.get(new URI(uri()), new Configuration(false));
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
