package dev.hearth.serving.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under TLS the console's session cookie is {@code Secure} (a self-signed certificate made with keytool). */
class ConsoleTlsCookieTest {
    private static final String PASS = "changeit";

    @TempDir
    Path dir;

    @Test
    void sessionCookieIsSecureOverHttps() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        Path tokens = dir.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("read:*"));
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "san=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-keystore",
                        "server.p12",
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        PASS)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            trust.load(in, PASS.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
        try (TestServer server = TestServer.start(
                null,
                client,
                "store.root=" + store.root(),
                "auth.tokens.file=" + tokens,
                "console.enabled=true",
                "serving.models=iris",
                "tls.enabled=true",
                "tls.keystore=" + dir.resolve("server.p12"),
                "tls.keystore.password=" + PASS)) {
            assertThat(server.url()).startsWith("https://");
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/console/signin"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Origin", server.url())
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(303);
            assertThat(r.headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(c -> assertThat(c)
                            .contains("Secure")
                            .contains("HttpOnly")
                            .contains("SameSite=Strict"));
        }
    }
}
