package dev.hearth.testing.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PKCS#12 key store holding one key pair and its self-signed certificate, made at test time with the JDK's own
 * {@code keytool} (valid 2 days, password {@link #PASSWORD}), and the PEM and trust views tests need of it: the key
 * as unencrypted PKCS#8 PEM, the certificate (chain) as PEM, and an {@link SSLContext} trusting only given
 * certificates. {@link #keytool} runs further keytool steps (a CA signing the key, imports) in the same way.
 *
 * @param file the PKCS#12 file
 * @param alias the key entry's alias
 */
public record SelfSignedKeystore(Path file, String alias) {
    /** The password of the store and of its key entry. */
    public static final String PASSWORD = "changeit";

    private static final long KEYTOOL_TIMEOUT_MINUTES = 2;

    /**
     * Generates a key pair with a self-signed certificate into {@code file} (created; its directory must exist).
     *
     * @param keyAlgorithm {@code RSA} (2048 bits) or {@code EC} (keytool's default curve)
     * @param dname the certificate's subject, e.g. {@code CN=127.0.0.1}
     * @param extensions keytool {@code -ext} values, e.g. {@code san=ip:127.0.0.1} or {@code bc:c}
     */
    public static SelfSignedKeystore generate(
            Path file, String alias, String keyAlgorithm, String dname, String... extensions) {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", keyAlgorithm));
        if (keyAlgorithm.equals("RSA")) {
            args.addAll(List.of("-keysize", "2048"));
        }
        args.addAll(List.of("-dname", dname));
        for (String ext : extensions) {
            args.addAll(List.of("-ext", ext));
        }
        args.addAll(List.of(
                "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        keytool(file.toAbsolutePath().getParent(), args.toArray(String[]::new));
        return new SelfSignedKeystore(file, alias);
    }

    /**
     * An EC key for the loopback server, alias {@code server}, subject {@code CN=127.0.0.1} with the subject
     * alternative name {@code ip:127.0.0.1}, so a client that verifies host names accepts it at 127.0.0.1.
     */
    public static SelfSignedKeystore loopback(Path file) {
        return generate(file, "server", "EC", "CN=127.0.0.1", "san=ip:127.0.0.1");
    }

    /**
     * Runs the JDK's keytool in {@code dir} with {@code args}, bounded to two minutes.
     *
     * @throws IllegalStateException naming the arguments and keytool's output when it fails or hangs
     */
    public static void keytool(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(KEYTOOL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + String.join(" ", args) + " did not finish: " + out);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "keytool " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running keytool", e);
        }
    }

    /** {@code der} as a PEM block with the given label ({@code CERTIFICATE}, {@code PRIVATE KEY}), 64 columns. */
    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A TLS context whose trust store holds exactly {@code trusted}. */
    public static SSLContext trusting(Certificate... trusted) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                trust.setCertificateEntry("trusted-" + i, trusted[i]);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trusting TLS context", e);
        }
    }

    /** The store, loaded (read again each call, so keytool steps run in between are seen). */
    public KeyStore load() {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot read the key store " + file, e);
        }
    }

    /** The private key. */
    public PrivateKey key() {
        try {
            return (PrivateKey) load().getKey(alias, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key " + alias + " of " + file, e);
        }
    }

    /** The key entry's certificate. */
    public Certificate certificate() {
        try {
            return load().getCertificate(alias);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the certificate " + alias + " of " + file, e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM. */
    public String keyPem() {
        return pem("PRIVATE KEY", key().getEncoded());
    }

    /** The key entry's certificate as PEM. */
    public String certificatePem() {
        return pemOf(certificate());
    }

    /** The key entry's certificate chain (leaf first) as concatenated PEM blocks. */
    public String chainPem() {
        try {
            StringBuilder chain = new StringBuilder();
            for (Certificate c : load().getCertificateChain(alias)) {
                chain.append(pemOf(c));
            }
            return chain.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the chain " + alias + " of " + file, e);
        }
    }

    /** A TLS context trusting only this store's certificate. */
    public SSLContext trustingContext() {
        return trusting(certificate());
    }

    private static String pemOf(Certificate c) {
        try {
            return pem("CERTIFICATE", c.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }
}
