package dev.hearth.serving.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.http.RawClient;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.tls.SelfSignedKeystore;
import io.javalin.Javalin;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.KeyProvider;
import org.apache.hadoop.crypto.key.KeyProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hearth console} on its own ({@link ConsoleServer}) gets what {@code hearth serve} gets: HTTPS from PEM files
 * with a {@code Secure} session cookie, the connection limits that cut off a client trickling its request head, and
 * the store configuration that reads an encrypted store. Each of these fails on a bare Javalin over
 * {@code new Configuration()}: it refused TLS, kept trickling connections for ever and could not unwrap the
 * version's data key.
 */
class StandaloneConsoleTest {

    @TempDir
    Path dir;

    private static Javalin start(String... settings) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "server.host=127.0.0.1"));
        all.addAll(List.of(settings));
        return ConsoleServer.start(ServingSettings.loader().load(null, all));
    }

    private String plainStore() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        ConsoleStoreFixture.publish(store);
        return store.root();
    }

    @Test
    void servesHttpsFromPemFilesWithASecureSessionCookie() throws Exception {
        String root = plainStore();
        Path tokens = dir.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("read:*"));
        HttpClient client = selfSignedPem();
        Javalin app = start(
                "store.root=" + root,
                "auth.tokens.file=" + tokens,
                "tls.enabled=true",
                "tls.cert=" + dir.resolve("cert.pem"),
                "tls.key=" + dir.resolve("key.pem"));
        try {
            String url = "https://127.0.0.1:" + app.port();
            String cookie = signIn(client, url, token);
            assertThat(cookie).contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
            HttpResponse<String> models = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/console/models"))
                            .header("Cookie", cookie.split(";")[0])
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(models.body()).contains("iris", "digits", "wine");
            // Plain HTTP sent to the TLS port gets no answer: the handshake fails and the connection is closed.
            try (RawClient plain = new RawClient(app.port())) {
                plain.send(RawClient.get("/console/signin"));
                assertThat(plain.closedWithin(5_000)).isTrue();
            }
        } finally {
            app.stop();
        }
    }

    @Test
    void headsTrickledOneBytePerSecondAreCutOffAsOnTheServer() throws Exception {
        String root = plainStore();
        // The tricklers take every connection the console allows; without the head deadline they would keep them
        // (each byte restarts the idle timeout) and nobody else would get in.
        Javalin app = start(
                "store.root=" + root,
                "auth.enabled=false",
                "server.max.connections=6",
                "server.header.timeout.ms=1500");
        List<RawClient> slow = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try {
            RawClient.openSlowHeads(slow, app.port(), 6, "/console/models");
            Thread trickle = RawClient.trickle(slow, stop);
            RawClient.assertAllCutOff(slow);
            HttpResponse<String> page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/console/models"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            stop.set(true);
            trickle.join(5_000);
        } finally {
            stop.set(true);
            for (RawClient c : slow) {
                c.close();
            }
            app.stop();
        }
        // The same limits are checked at start, naming the setting.
        assertThatThrownBy(() -> start("store.root=" + root, "auth.enabled=false", "server.threads.max=4"))
                .hasMessageContaining("server.threads.max must be >= 8");
    }

    @Test
    void encryptedStoreShowsTheVersionsLearningCurve() throws Exception {
        Path keystore = dir.resolve("keys.jceks");
        String provider = "jceks://file" + keystore;
        KeyProvider admin = KeyProviderFactory.get(new URI(provider), new Configuration());
        KeyProvider.Options options = new KeyProvider.Options(new Configuration());
        options.setBitLength(256);
        admin.createKey("models", options);
        admin.flush();
        Configuration encrypting = new Configuration();
        encrypting.set(EncryptionSettings.KEY_PROVIDER, provider);
        encrypting.set(EncryptionSettings.KEY_NAME, "models");
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), encrypting);
        ConsoleStoreFixture.publish(store);
        // Encrypted files are stored as NAME.enc, and none of them is a PNG any more.
        assertThat(stored(dir.resolve("store"), "learning-curve.png", false)).isZero();
        assertThat(stored(dir.resolve("store"), "learning-curve.png.enc", false))
                .isEqualTo(5);
        assertThat(stored(dir.resolve("store"), "learning-curve.png.enc", true)).isZero();
        Path tokens = dir.resolve("tokens");
        String token = TokenFile.create(tokens, List.of("read:*"));
        HttpClient client = HttpClient.newHttpClient();
        String image = "/console/models/iris/versions/2/files/learning-curve.png";

        Javalin withKey = start(
                "store.root=" + store.root(),
                "auth.tokens.file=" + tokens,
                "store.encryption.key.provider=" + provider);
        Javalin withoutKey = start("store.root=" + store.root(), "auth.tokens.file=" + tokens);
        try {
            String url = "http://127.0.0.1:" + withKey.port();
            String cookie = signIn(client, url, token).split(";")[0];
            assertThat(cookie).doesNotContain("Secure");
            HttpResponse<String> page = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/console/models/iris/versions/2"))
                            .header("Cookie", cookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"learning-curve\"", image);
            HttpResponse<byte[]> png = client.send(
                    HttpRequest.newBuilder(URI.create(url + image))
                            .header("Cookie", cookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(png.statusCode()).isEqualTo(200);
            assertThat(png.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("image/png"));
            BufferedImage curve = ImageIO.read(new ByteArrayInputStream(png.body()));
            assertThat(curve).isNotNull();
            assertThat(curve.getWidth()).isEqualTo(320);

            // Without store.encryption.* the image cannot be read: the data key stays wrapped (500, the log names
            // the key).
            String other = "http://127.0.0.1:" + withoutKey.port();
            String otherCookie = signIn(client, other, token).split(";")[0];
            HttpResponse<byte[]> refused = client.send(
                    HttpRequest.newBuilder(URI.create(other + image))
                            .header("Cookie", otherCookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(refused.statusCode()).isEqualTo(500);
        } finally {
            withKey.stop();
            withoutKey.stop();
        }
    }

    /** Signs in with {@code token}; returns the Set-Cookie header. */
    private static String signIn(HttpClient client, String url, String token) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(url + "/console/signin"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", url)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        return r.headers().firstValue("Set-Cookie").orElseThrow();
    }

    /**
     * A self-signed EC certificate for 127.0.0.1 made with keytool, written as {@code cert.pem} and an unencrypted
     * PKCS#8 {@code key.pem}; returns a client that trusts only that certificate.
     */
    private HttpClient selfSignedPem() throws Exception {
        SelfSignedKeystore store = SelfSignedKeystore.loopback(dir.resolve("server.p12"));
        Files.writeString(dir.resolve("key.pem"), store.keyPem());
        Files.writeString(dir.resolve("cert.pem"), store.certificatePem());
        return HttpClient.newBuilder().sslContext(store.trustingContext()).build();
    }

    /** How many files called {@code name} are stored under {@code root} (or only those that are PNGs). */
    private static long stored(Path root, String name, boolean onlyPngs) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals(name))
                    .filter(p -> {
                        if (!onlyPngs) {
                            return true;
                        }
                        try (InputStream in = Files.newInputStream(p)) {
                            byte[] head = in.readNBytes(4);
                            return head.length == 4
                                    && (head[0] & 0xff) == 0x89
                                    && head[1] == 'P'
                                    && head[2] == 'N'
                                    && head[3] == 'G';
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .count();
        }
    }
}
