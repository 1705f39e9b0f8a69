package dev.hearth.serving.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds the HTTPS connector from a PKCS#12 key store or from a PEM certificate chain plus an unencrypted
 * PKCS#8 PEM private key (RSA or EC).
 */
public final class TlsConnector {
    private final KeyStore keyStore;
    private final String password;

    private TlsConnector(KeyStore keyStore, String password) {
        this.keyStore = keyStore;
        this.password = password;
    }

    /** Key material from a PKCS#12 file. */
    public static TlsConnector fromPkcs12(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            return new TlsConnector(ks, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read PKCS#12 key store " + file + " (tls.keystore): "
                    + e.getMessage(), e);
        }
    }

    /** Key material from PEM files: the certificate chain (server first) and its private key. */
    public static TlsConnector fromPem(Path certFile, Path keyFile) {
        Collection<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read PEM certificates " + certFile + " (tls.cert): "
                    + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("tls.cert " + certFile + " holds no certificate");
        }
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            String password = "hearth";
            ks.setKeyEntry("server", key, password.toCharArray(), chain.toArray(new Certificate[0]));
            return new TlsConnector(ks, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls.key does not fit tls.cert: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path keyFile) {
        String pem;
        try {
            pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read tls.key " + keyFile + ": " + e.getMessage(), e);
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException("tls.key " + keyFile + " must be an unencrypted PKCS#8 PEM key"
                    + " (-----BEGIN PRIVATE KEY-----); convert with: openssl pkcs8 -topk8 -nocrypt -in KEY");
        }
        String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END"))
                .replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("tls.key " + keyFile + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    /** An HTTPS connector on {@code host:port} for {@code server}. */
    public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        HttpConfiguration https = new HttpConfiguration(http);
        // Host-name checks belong to the client; the server answers on whatever name it was reached.
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        customizer.setSniHostCheck(false);
        https.addCustomizer(customizer);
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        c.setHost(host);
        c.setPort(port);
        return c;
    }
}
