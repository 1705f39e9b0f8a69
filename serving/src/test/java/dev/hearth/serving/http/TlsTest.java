package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a throwaway CA and server certificate made at test time with the JDK's keytool: a PKCS#12 and a
 * PEM configuration, a JDK HttpClient that trusts only the test CA, and curl --cacert from a script.
 */
class TlsTest {
    private static final String PASS = "changeit";

    @TempDir
    static Path dir;

    private static String storeRoot;
    private static String token;
    private static Path tokens;

    @BeforeAll
    static void setUp() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(3));
        storeRoot = store.root();
        tokens = dir.resolve("tokens");
        token = TokenFile.create(tokens, List.of("predict:iris"));
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Hearth Test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-file", "ca.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", PASS, "-file", "server.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-infile", "server.csr",
                "-outfile", "server.pem", "-rfc", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2");
        keytool("-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", "server.p12", "-storepass", PASS,
                "-noprompt");
        keytool("-importcert", "-alias", "server", "-file", "server.pem", "-keystore", "server.p12", "-storepass",
                PASS, "-noprompt");
        writePem();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", String.join(" ", args), out).isZero();
    }

    /** The server key and chain as PEM files (key as unencrypted PKCS#8), from the PKCS#12 store. */
    private static void writePem() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(dir.resolve("server.p12").toFile())) {
            ks.load(in, PASS.toCharArray());
        }
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(ks.getKey("server", PASS.toCharArray()).getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        StringBuilder chain = new StringBuilder();
        for (Certificate c : ks.getCertificateChain("server")) {
            chain.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Files.writeString(dir.resolve("chain.pem"), chain);
    }

    private static HttpClient trustingTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    private static void assertServesHttps(TestServer server) throws Exception {
        assertThat(server.url()).startsWith("https://127.0.0.1:");
        HttpResponse<String> r = server.post("/v2/models/iris/infer", TestServer.infer("t", "[1,4]", "[1,2,3,4]"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"model_version\":\"1\"");
        // A client that does not trust the test CA is refused during the handshake.
        HttpClient untrusting = HttpClient.newHttpClient();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(server.url() + "/v2/health/live"))
                .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void pkcs12KeyStore() throws Exception {
        try (TestServer server = TestServer.start(token, trustingTestCa(), "store.root=" + storeRoot,
                "auth.tokens.file=" + tokens, "serving.poll.interval.ms=0", "tls.enabled=true",
                "tls.keystore=" + dir.resolve("server.p12"), "tls.keystore.password=" + PASS)) {
            assertServesHttps(server);
        }
    }

    @Test
    void pemCertificateAndKeyAndCurlWithCacert() throws Exception {
        try (TestServer server = TestServer.start(token, trustingTestCa(), "store.root=" + storeRoot,
                "auth.tokens.file=" + tokens, "serving.poll.interval.ms=0", "tls.enabled=true",
                "tls.cert=" + dir.resolve("chain.pem"), "tls.key=" + dir.resolve("key.pem"))) {
            assertServesHttps(server);
            Path script = Path.of(System.getProperty("hearth.root", ".."), "serving/src/test/scripts/curl-tls.sh");
            Process curl = new ProcessBuilder("bash", script.toString(), server.url(),
                    dir.resolve("ca.pem").toString(), token).redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(curl.exitValue()).as(out).isZero();
            assertThat(out).contains("\"id\":\"tls\"", "\"model_version\":\"1\"");
        }
    }

    @Test
    void tlsWithoutKeyMaterialIsRefusedAtStart() {
        assertThatThrownBy(() -> TestServer.start(token, "store.root=" + storeRoot, "auth.tokens.file=" + tokens,
                "tls.enabled=true")).hasMessageContaining("tls.keystore");
    }
}
