package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.testing.tls.SelfSignedKeystore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed key material is refused when the server starts, with the setting, the file, the line where it
 * applies, and the problem: truncated PEM blocks, bad base64, legacy or encrypted keys, a key that does not belong
 * to the certificate, binary files; PKCS#12 with a wrong password, files that are not key stores, stores without
 * a private key.
 */
class TlsKeyMaterialTest {
    private static final String PASS = SelfSignedKeystore.PASSWORD;
    private static final TlsConnector.Policy POLICY = TlsConnector.Policy.parse(
            "TLSv1.3,TLSv1.2", "TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

    @TempDir
    static Path dir;

    private static Path p12;
    private static String keyPem;
    private static String certPem;

    @BeforeAll
    static void keys() {
        SelfSignedKeystore store =
                SelfSignedKeystore.generate(dir.resolve("server.p12"), "server", "RSA", "CN=127.0.0.1");
        p12 = store.file();
        keyPem = store.keyPem();
        certPem = store.certificatePem();
    }

    private static String pem(String label, byte[] der) {
        return SelfSignedKeystore.pem(label, der);
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static TlsConnector pemPair(String cert, String key) throws Exception {
        return TlsConnector.fromPem(write("cert.pem", cert), write("key.pem", key), POLICY);
    }

    private static String withoutEndLine(String pem) {
        return pem.substring(0, pem.indexOf("-----END"));
    }

    @Test
    void goodPemAndPkcs12AreAccepted() throws Exception {
        assertThat(pemPair(certPem, keyPem).policy()).isEqualTo(POLICY);
        // openssl writes "Bag Attributes" text around blocks; it is ignored.
        assertThat(pemPair("Bag Attributes\n    friendlyName: server\n" + certPem, keyPem))
                .isNotNull();
        assertThat(TlsConnector.fromPkcs12(p12, PASS, POLICY)).isNotNull();
    }

    @Test
    void truncatedPemFilesNameTheFileAndLine() throws Exception {
        Path cert = dir.resolve("cert.pem");
        assertThatThrownBy(() -> pemPair(withoutEndLine(certPem), keyPem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.cert " + cert)
                .hasMessageContaining("line 1")
                .hasMessageContaining("no matching '-----END CERTIFICATE-----' line");
        // This one used to be a StringIndexOutOfBoundsException.
        Path key = dir.resolve("key.pem");
        assertThatThrownBy(() -> pemPair(certPem, withoutEndLine(keyPem)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.key " + key)
                .hasMessageContaining("line 1")
                .hasMessageContaining("no matching '-----END PRIVATE KEY-----' line");
        assertThatThrownBy(() ->
                        pemPair(certPem, keyPem.replace("-----END PRIVATE KEY-----", "-----END CERTIFICATE-----")))
                .hasMessageContaining("does not match '-----BEGIN PRIVATE KEY-----'");
        assertThatThrownBy(() -> pemPair(certPem + withoutEndLine(certPem), keyPem))
                .hasMessageContaining("line " + (certPem.lines().count() + 1))
                .hasMessageContaining("no matching");
    }

    @Test
    void damagedContentIsNamed() throws Exception {
        String[] lines = keyPem.split("\n");
        lines[2] = "!!!! not base64 !!!!";
        assertThatThrownBy(() -> pemPair(certPem, String.join("\n", lines)))
                .hasMessageContaining("tls.key")
                .hasMessageContaining("not valid base64");
        String shortCert = pem("CERTIFICATE", new byte[] {1, 2, 3, 4, 5, 6});
        assertThatThrownBy(() -> pemPair(shortCert, keyPem))
                .hasMessageContaining("tls.cert")
                .hasMessageContaining("line 1: not a valid X.509 certificate");
        assertThatThrownBy(() -> pemPair(certPem, pem("PRIVATE KEY", new byte[] {48, 3, 2, 1, 0})))
                .hasMessageContaining("not an RSA, EC or Ed25519 PKCS#8 private key");
        assertThatThrownBy(() -> pemPair("just text\n", keyPem)).hasMessageContaining("holds no PEM block");
        assertThatThrownBy(() -> pemPair(keyPem, keyPem)).hasMessageContaining("holds no CERTIFICATE block");
        assertThatThrownBy(() -> TlsConnector.fromPem(dir.resolve("missing.pem"), dir.resolve("key.pem"), POLICY))
                .hasMessageContaining("tls.cert " + dir.resolve("missing.pem") + " does not exist");
    }

    @Test
    void keysInOtherFormatsOrNotMatchingTheCertificateAreRefused() throws Exception {
        assertThatThrownBy(() -> pemPair(certPem, keyPem.replace("PRIVATE KEY", "RSA PRIVATE KEY")))
                .hasMessageContaining("legacy format")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> pemPair(certPem, keyPem.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY")))
                .hasMessageContaining("the key is encrypted");
        assertThatThrownBy(() -> pemPair(certPem, keyPem + keyPem))
                .hasMessageContaining("exactly one")
                .hasMessageContaining("holds 2");
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        String otherKey = pem("PRIVATE KEY", gen.generateKeyPair().getPrivate().getEncoded());
        assertThatThrownBy(() -> pemPair(certPem, otherKey))
                .hasMessageContaining("does not belong to the first" + " certificate of tls.cert");
    }

    @Test
    void pkcs12ProblemsAreNamed() throws Exception {
        assertThatThrownBy(() -> TlsConnector.fromPkcs12(p12, "wrong", POLICY))
                .hasMessageContaining("tls.keystore " + p12 + ": wrong password (tls.keystore.password)");
        assertThatThrownBy(() -> TlsConnector.fromPkcs12(p12, "", POLICY))
                .hasMessageContaining("wrong password (tls.keystore.password is empty)");
        Path notAStore = write("cert-as-store.p12", certPem);
        assertThatThrownBy(() -> TlsConnector.fromPkcs12(notAStore, PASS, POLICY))
                .hasMessageContaining("tls.keystore " + notAStore + " is not a PKCS#12 key store");
        assertThatThrownBy(() -> TlsConnector.fromPkcs12(dir.resolve("none.p12"), PASS, POLICY))
                .hasMessageContaining("does not exist");
        // A trust store (certificates only) where the key store belongs.
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", new SelfSignedKeystore(p12, "server").certificate());
        Path trustFile = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustFile)) {
            trust.store(out, PASS.toCharArray());
        }
        assertThatThrownBy(() -> TlsConnector.fromPkcs12(trustFile, PASS, POLICY))
                .hasMessageContaining("holds no private key entry");
    }

    @Test
    void pemErrorsNeverEscapeAsOtherExceptions() throws Exception {
        // Cut the key at every line: each version is refused with an IllegalArgumentException, never a crash.
        List<String> lines = new ArrayList<>(keyPem.lines().toList());
        for (int n = 0; n < lines.size(); n++) {
            String cut = String.join("\n", lines.subList(0, n)) + "\n";
            assertThatThrownBy(() -> pemPair(certPem, cut))
                    .as("key cut after %d lines", n)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tls.key");
        }
    }
}
