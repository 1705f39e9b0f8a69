package dev.hearth.serving.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.tls.SelfSignedKeystore;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under TLS the console's session cookie is {@code Secure} (a self-signed certificate made with keytool). */
class ConsoleTlsCookieTest {
    private static final String PASS = SelfSignedKeystore.PASSWORD;

    @TempDir
    Path dir;

    @Test
    void sessionCookieIsSecureOverHttps() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        Path tokens = dir.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("read:*"));
        SelfSignedKeystore keys = SelfSignedKeystore.loopback(dir.resolve("server.p12"));
        HttpClient client =
                HttpClient.newBuilder().sslContext(keys.trustingContext()).build();
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
