package dev.hearth.serving.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for the server: key material from a PKCS#12 key store or from a PEM certificate chain plus an
 * unencrypted PKCS#8 PEM private key (RSA, EC or Ed25519), and the protocol versions and cipher suites the
 * server accepts ({@link Policy}). Every problem with the files is reported at start with the setting, the file
 * and what is wrong.
 */
public final class TlsConnector {
    private static final Logger LOG = LoggerFactory.getLogger(TlsConnector.class);
    /** Versions with known weaknesses (BEAST, POODLE, SHA-1/MD5 handshakes) are never accepted. */
    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    /** Fragments of suite names that mean no or broken encryption or authentication. */
    private static final List<String> WEAK_SUITE_PARTS =
            List.of("_NULL_", "_anon_", "_RC4_", "_DES_", "_3DES_", "_EXPORT", "_MD5");

    /**
     * The TLS versions and cipher suites the server accepts, in order of preference.
     *
     * @param protocols a subset of TLSv1.2 and TLSv1.3
     * @param ciphers suites this JVM supports, none of them weak
     */
    public record Policy(List<String> protocols, List<String> ciphers) {
        public Policy {
            protocols = List.copyOf(protocols);
            ciphers = List.copyOf(ciphers);
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("tls.protocols must name TLSv1.3 and/or TLSv1.2 but was empty");
            }
            for (String p : protocols) {
                if (!ALLOWED_PROTOCOLS.contains(p)) {
                    throw new IllegalArgumentException("tls.protocols may only contain TLSv1.2 and TLSv1.3 (older"
                            + " versions are insecure) but contained '" + p + "'");
                }
            }
            if (ciphers.isEmpty()) {
                throw new IllegalArgumentException("tls.ciphers must name at least one cipher suite but was empty");
            }
            Set<String> supported = Set.of(defaultParameters().getCipherSuites());
            for (String c : ciphers) {
                if (WEAK_SUITE_PARTS.stream().anyMatch(c::contains)) {
                    throw new IllegalArgumentException("tls.ciphers contains '" + c + "', which has no or broken"
                            + " encryption or authentication (NULL, anon, RC4, DES, 3DES, EXPORT or MD5)");
                }
                if (!supported.contains(c)) {
                    throw new IllegalArgumentException("tls.ciphers contains '" + c
                            + "', which this JVM does not support (names are IANA style, e.g."
                            + " TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
                }
            }
        }

        /** Parses the comma-separated settings {@code tls.protocols} and {@code tls.ciphers}. */
        public static Policy parse(String protocols, String ciphers) {
            return new Policy(split(protocols), split(ciphers));
        }

        private static List<String> split(String s) {
            return Arrays.stream(s.split(","))
                    .map(String::strip)
                    .filter(x -> !x.isEmpty())
                    .toList();
        }

        /** Whether some suite can be used with a key of {@code algorithm} (TLS 1.3 suites work with any key). */
        boolean usableWith(String algorithm) {
            String auth = algorithm.equals("RSA") ? "_RSA_" : "_ECDSA_";
            return ciphers.stream()
                    .anyMatch(c -> (protocols.contains("TLSv1.3") && isTls13(c))
                            || (protocols.contains("TLSv1.2") && c.contains(auth)));
        }

        private static boolean isTls13(String suite) {
            return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
        }
    }

    private final KeyStore keyStore;
    private final String password;
    private final Policy policy;

    private TlsConnector(KeyStore keyStore, String password, Policy policy, String source) {
        this.keyStore = keyStore;
        this.password = password;
        this.policy = policy;
        checkKeys(source);
    }

    /** Key material from a PKCS#12 file ({@code tls.keystore}) with its password. */
    public static TlsConnector fromPkcs12(Path file, String password, Policy policy) {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("tls.keystore " + file + " does not exist", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(
                        "tls.keystore " + file + ": wrong password (tls.keystore.password"
                                + (password.isEmpty() ? " is empty" : "") + ")",
                        e);
            }
            throw new IllegalArgumentException(
                    "tls.keystore " + file + " is not a PKCS#12 key store (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "tls.keystore " + file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        }
        return new TlsConnector(ks, password, policy, "tls.keystore " + file);
    }

    /** Key material from PEM files: the certificate chain (server first, {@code tls.cert}) and its key. */
    public static TlsConnector fromPem(Path certFile, Path keyFile, Policy policy) {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        PublicKey certKey = chain.get(0).getPublicKey();
        if (!matches(key, certKey)) {
            throw new IllegalArgumentException("tls.key " + keyFile + " does not belong to the first certificate of"
                    + " tls.cert " + certFile + " (" + key.getAlgorithm() + " key, certificate holds a "
                    + certKey.getAlgorithm() + " public key that does not verify its signature)");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            String password = "hearth";
            ks.setKeyEntry("server", key, password.toCharArray(), chain.toArray(new Certificate[0]));
            return new TlsConnector(ks, password, policy, "tls.cert " + certFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "tls.key " + keyFile + " cannot be used with tls.cert " + certFile + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path certFile) {
        List<Certificate> chain = new ArrayList<>();
        for (PemFile.Block b : PemFile.read("tls.cert", certFile)) {
            if (!b.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add(
                        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "tls.cert " + certFile + " line " + b.line() + ": not a valid X.509 certificate ("
                                + e.getMessage() + ")",
                        e);
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("tls.cert " + certFile + " holds no CERTIFICATE block");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path keyFile) {
        List<PemFile.Block> keys = new ArrayList<>();
        for (PemFile.Block b : PemFile.read("tls.key", keyFile)) {
            switch (b.label()) {
                case "PRIVATE KEY" -> keys.add(b);
                case "ENCRYPTED PRIVATE KEY" ->
                    throw new IllegalArgumentException("tls.key " + keyFile + " line " + b.line()
                            + ": the key is encrypted; decrypt it with: openssl pkcs8 -topk8 -nocrypt -in KEY");
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
                    throw new IllegalArgumentException("tls.key " + keyFile
                            + " line " + b.line() + ": '" + b.label() + "' is a legacy format; Hearth needs PKCS#8"
                            + " (-----BEGIN PRIVATE KEY-----); convert with: openssl pkcs8 -topk8 -nocrypt -in KEY");
                default -> {
                    // certificates or parameters next to the key: not ours to read
                }
            }
        }
        if (keys.size() != 1) {
            throw new IllegalArgumentException("tls.key " + keyFile + " must hold exactly one '-----BEGIN PRIVATE"
                    + " KEY-----' block (unencrypted PKCS#8) but holds " + keys.size());
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0).der());
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("tls.key " + keyFile + " line "
                + keys.get(0).line() + ": not an RSA, EC or Ed25519 PKCS#8 private key");
    }

    /** Whether {@code key} signs what {@code certKey} verifies: a mismatch would only show in every handshake. */
    private static boolean matches(PrivateKey key, PublicKey certKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "hearth tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certKey);
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** At least one usable key entry, a key the cipher suites can use, and a warning for an expired certificate. */
    private void checkKeys(String source) {
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(keyStore.aliases())) {
                if (!keyStore.isKeyEntry(alias)) {
                    continue;
                }
                keyAliases.add(alias);
                try {
                    keyStore.getKey(alias, password.toCharArray());
                } catch (UnrecoverableKeyException e) {
                    throw new IllegalArgumentException(
                            source + ": the key '" + alias + "' has a password other"
                                    + " than tls.keystore.password; the store and its key must share one password",
                            e);
                }
                Certificate cert = keyStore.getCertificate(alias);
                String algorithm = cert == null ? "?" : cert.getPublicKey().getAlgorithm();
                if ((algorithm.equals("RSA") || algorithm.equals("EC")) && !policy.usableWith(algorithm)) {
                    throw new IllegalArgumentException(source + ": none of tls.ciphers can be used with its "
                            + algorithm + " key under tls.protocols " + policy.protocols());
                }
                if (cert instanceof X509Certificate x && x.getNotAfter().before(new Date())) {
                    LOG.warn(
                            "The TLS certificate '{}' of {} expired on {}; clients will refuse it",
                            alias,
                            source,
                            x.getNotAfter());
                }
            }
            if (keyAliases.isEmpty()) {
                throw new IllegalArgumentException(source + " holds no private key entry (only certificates?)");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": cannot read its entries: " + e.getMessage(), e);
        }
    }

    private static SSLParameters defaultParameters() {
        try {
            return SSLContext.getDefault().getSupportedSSLParameters();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no default TLS implementation", e);
        }
    }

    /** The policy in force. */
    public Policy policy() {
        return policy;
    }

    /**
     * The TLS then HTTP/1.1 connection factories for a connector. Plain HTTP sent to it fails the TLS handshake
     * and the connection is closed: nothing is served without TLS.
     */
    ConnectionFactory[] connectionFactories(HttpConfiguration http) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        ssl.setIncludeProtocols(policy.protocols().toArray(new String[0]));
        ssl.setIncludeCipherSuites(policy.ciphers().toArray(new String[0]));
        // tls.ciphers is the whole list (Policy refuses weak suites); Jetty's own exclusions would silently drop
        // configured suites.
        ssl.setExcludeCipherSuites();
        ssl.setUseCipherSuitesOrder(true);
        // Client-initiated renegotiation costs the server a handshake per request: a cheap CPU attack.
        ssl.setRenegotiationAllowed(false);
        HttpConfiguration https = new HttpConfiguration(http);
        // Host-name checks belong to the client; the server answers on whatever name it was reached.
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        customizer.setSniHostCheck(false);
        https.addCustomizer(customizer);
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https)};
    }

    @Override
    public String toString() {
        return "TLS " + policy.protocols() + " " + policy.ciphers().size() + " cipher suites";
    }
}
