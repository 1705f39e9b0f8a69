package dev.hearth.store.crypto;

import java.security.GeneralSecurityException;
import java.util.Random;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/** Keys and seeded bytes for the chunked-stream tests. */
final class CryptoFixtures {
    private CryptoFixtures() {}

    /** {@code n} bytes from a {@link Random} seeded with {@code seed}. */
    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A fresh AES-256 data key. */
    static SecretKey newKey() {
        try {
            KeyGenerator g = KeyGenerator.getInstance("AES");
            g.init(256);
            return g.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
