package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.client.InferenceClient;
import dev.hearth.serving.client.InferenceException;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.tls.SelfSignedKeystore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a throwaway CA and server certificate made at test time with the JDK's keytool: a PKCS#12 and a
 * PEM configuration, a JDK HttpClient that trusts only the test CA, and curl --cacert from a script; the protocol
 * and cipher policy (TLS 1.2+ with AEAD suites only, plain HTTP never served).
 */
class TlsTest {
    private static final String PASS = SelfSignedKeystore.PASSWORD;

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
        SelfSignedKeystore.generate(dir.resolve("ca.p12"), "ca", "RSA", "CN=Hearth Test CA", "bc:c");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-file", "ca.pem");
        SelfSignedKeystore server =
                SelfSignedKeystore.generate(dir.resolve("server.p12"), "server", "RSA", "CN=127.0.0.1");
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", PASS, "-file", "server.csr");
        keytool(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                PASS,
                "-infile",
                "server.csr",
                "-outfile",
                "server.pem",
                "-rfc",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2");
        keytool(
                "-importcert",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                "server.p12",
                "-storepass",
                PASS,
                "-noprompt");
        keytool(
                "-importcert",
                "-alias",
                "server",
                "-file",
                "server.pem",
                "-keystore",
                "server.p12",
                "-storepass",
                PASS,
                "-noprompt");
        Files.writeString(dir.resolve("key.pem"), server.keyPem());
        Files.writeString(dir.resolve("chain.pem"), server.chainPem());
    }

    private static void keytool(String... args) {
        SelfSignedKeystore.keytool(dir, args);
    }

    private static HttpClient trustingTestCa() throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            return HttpClient.newBuilder()
                    .sslContext(SelfSignedKeystore.trusting(
                            CertificateFactory.getInstance("X.509").generateCertificate(in)))
                    .build();
        }
    }

    private static void assertServesHttps(TestServer server) throws Exception {
        assertThat(server.url()).startsWith("https://127.0.0.1:");
        HttpResponse<String> r =
                server.post("/v2/models/iris/infer", TestServer.request("t", new float[] {1, 2, 3, 4}));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"model_version\":\"1\"");
        // The OIP v2 client with its trust option: the test CA's certificate trusted, and (without it) refused.
        InferenceClient trusting = InferenceClient.builder(server.url())
                .optToken(token)
                .optTrustedCertificates(dir.resolve("ca.pem"))
                .build();
        assertThat(trusting.infer("iris", new float[] {1, 2, 3, 4}).modelVersion())
                .isEqualTo("1");
        assertThatThrownBy(() -> InferenceClient.builder(server.url())
                        .optToken(token)
                        .build()
                        .ready())
                .isInstanceOfSatisfying(
                        InferenceException.class, e -> assertThat(e.status()).isZero())
                .hasCauseInstanceOf(SSLHandshakeException.class);
        // A client that does not trust the test CA is refused during the handshake.
        HttpClient untrusting = HttpClient.newHttpClient();
        assertThatThrownBy(() -> untrusting.send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/v2/health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void pkcs12KeyStore() throws Exception {
        try (TestServer server = https("tls.keystore=" + dir.resolve("server.p12"), "tls.keystore.password=" + PASS)) {
            assertServesHttps(server);
        }
    }

    @Test
    void pemCertificateAndKeyAndCurlWithCacert() throws Exception {
        try (TestServer server = https("tls.cert=" + dir.resolve("chain.pem"), "tls.key=" + dir.resolve("key.pem"))) {
            assertServesHttps(server);
            Path script = Path.of(System.getProperty("hearth.root", ".."), "serving/src/test/scripts/curl-tls.sh");
            Process curl = new ProcessBuilder(
                            "bash",
                            script.toString(),
                            server.url(),
                            dir.resolve("ca.pem").toString(),
                            token)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(curl.exitValue()).as(out).isZero();
            assertThat(out).contains("\"id\":\"tls\"", "\"model_version\":\"1\"");
        }
    }

    private static SSLSocket handshake(SSLContext ctx, int port, String protocol, String... suites) throws IOException {
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {protocol});
        if (suites.length > 0) {
            socket.setEnabledCipherSuites(suites);
        }
        socket.startHandshake();
        return socket;
    }

    @Test
    void onlyTls12And13WithModernSuitesAndNeverPlainHttp() throws Exception {
        HttpClient client = trustingTestCa();
        try (TestServer server =
                https(client, "tls.keystore=" + dir.resolve("server.p12"), "tls.keystore.password=" + PASS)) {
            int port = server.server().port();
            SSLContext ctx = client.sslContext();
            try (SSLSocket s = handshake(ctx, port, "TLSv1.3")) {
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            try (SSLSocket s = handshake(ctx, port, "TLSv1.2")) {
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
                assertThat(s.getSession().getCipherSuite())
                        .startsWith("TLS_ECDHE_RSA_WITH_")
                        .contains("_GCM_");
            }
            // Suites this JDK still offers by default but the server must not accept: CBC (no AEAD), and static
            // RSA key exchange (no forward secrecy).
            for (String suite : List.of(
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                    "TLS_RSA_WITH_AES_128_GCM_SHA256")) {
                assertThatThrownBy(() -> handshake(ctx, port, "TLSv1.2", suite).close())
                        .as(suite)
                        .isInstanceOf(SSLHandshakeException.class);
            }
            // Plain HTTP to the HTTPS port is never answered with a page: the connection closes (or, at most, an
            // error status), and the request does not reach a handler.
            try (RawClient plain = new RawClient(port)) {
                plain.send(RawClient.get("/v2/health/live"));
                String head;
                try {
                    head = plain.readHead(10_000);
                } catch (IOException e) {
                    head = null; // reset
                }
                assertThat(head == null || !head.startsWith("HTTP/1.1 2"))
                        .as("answer to plain HTTP: %s", head)
                        .isTrue();
            }
            HttpClient plainClient = HttpClient.newHttpClient();
            String http = server.url().replace("https://", "http://");
            Integer status;
            try {
                status = plainClient
                        .send(
                                HttpRequest.newBuilder(URI.create(http + "/v2/health/live"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } catch (IOException e) {
                status = null;
            }
            assertThat(status == null || status >= 400)
                    .as("plain HTTP status %s", status)
                    .isTrue();
            assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
        }
    }

    /**
     * TLS 1.0 and 1.1 are refused by the server's own policy, not only by this JDK's defaults: a child JVM with
     * TLS 1.0/1.1 re-enabled runs Hearth's connector next to an unpinned one, and only the unpinned one accepts
     * them (which shows the probe can tell).
     */
    @Test
    void tls10And11HandshakesFailEvenWhereTheJdkAllowsThem() throws Exception {
        Path security = dir.resolve("legacy-tls.security");
        Files.writeString(
                security,
                "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, "
                        + "EC keySize < 224, 3DES_EDE_CBC, anon, NULL\n");
        var defaults = dev.hearth.serving.ServingSettings.loader().load(null, List.of());
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.security.properties=" + security,
                "-cp",
                System.getProperty("java.class.path"),
                LegacyTlsProbe.class.getName(),
                dir.resolve("server.p12").toString(),
                PASS,
                defaults.get("tls.protocols"),
                // a suite TLS 1.0/1.1 can use, so that only the protocol policy stands in their way
                defaults.get("tls.ciphers") + ",TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out)
                    .contains(
                            "control TLSv1.1 accepted TLSv1.1",
                            "control TLSv1 accepted TLSv1",
                            "hearth TLSv1.1 refused",
                            "hearth TLSv1 refused",
                            "hearth TLSv1.2 accepted TLSv1.2");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void weakOrUnknownPolicySettingsAreRefusedAtStart() {
        String[] base = {
            "store.root=" + storeRoot,
            "auth.tokens.file=" + tokens,
            "tls.enabled=true",
            "tls.keystore=" + dir.resolve("server.p12"),
            "tls.keystore.password=" + PASS
        };
        assertThatThrownBy(() -> TestServer.start(token, concat(base, "tls.protocols=TLSv1.1,TLSv1.2")))
                .hasMessageContaining("tls.protocols may only contain TLSv1.2 and TLSv1.3")
                .hasMessageContaining("TLSv1.1");
        assertThatThrownBy(() -> TestServer.start(token, concat(base, "tls.protocols=SSLv3")))
                .hasMessageContaining("'SSLv3'");
        assertThatThrownBy(() -> TestServer.start(token, concat(base, "tls.ciphers=TLS_RSA_WITH_NULL_SHA256")))
                .hasMessageContaining("'TLS_RSA_WITH_NULL_SHA256'")
                .hasMessageContaining("broken");
        assertThatThrownBy(() -> TestServer.start(token, concat(base, "tls.ciphers=TLS_MADE_UP_SUITE")))
                .hasMessageContaining("'TLS_MADE_UP_SUITE'")
                .hasMessageContaining("does not support");
        // An RSA key with only ECDSA suites under TLS 1.2 could never complete a handshake.
        assertThatThrownBy(() -> TestServer.start(
                        token,
                        concat(base, "tls.protocols=TLSv1.2", "tls.ciphers=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")))
                .hasMessageContaining("none of tls.ciphers can be used with its RSA key");
    }

    /** A server on the test store with TLS on and {@code tls} settings, its client trusting the test CA. */
    private static TestServer https(String... tls) throws Exception {
        return https(trustingTestCa(), tls);
    }

    /** As {@link #https(String...)} with {@code client} as the server's client. */
    private static TestServer https(HttpClient client, String... tls) {
        return TestServer.start(
                token,
                client,
                concat(
                        new String[] {
                            "store.root=" + storeRoot,
                            "auth.tokens.file=" + tokens,
                            "serving.poll.interval.ms=0",
                            "tls.enabled=true"
                        },
                        tls));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void tlsWithoutKeyMaterialIsRefusedAtStart() {
        assertThatThrownBy(() -> TestServer.start(
                        token, "store.root=" + storeRoot, "auth.tokens.file=" + tokens, "tls.enabled=true"))
                .hasMessageContaining("tls.keystore");
    }
}
