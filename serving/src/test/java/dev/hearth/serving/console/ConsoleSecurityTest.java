package dev.hearth.serving.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP-level security with a real server and a real client (no browser): sign-in only from this
 * origin and with a valid token, the cookie's attributes, CSRF and Origin checks on state changes and on the
 * cookie-authenticated API call, security headers, and the console absent when disabled.
 */
class ConsoleSecurityTest {
    @TempDir
    static Path dir;

    static HadoopModelStore store;
    static TestServer server;
    static String manage;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        TestModels.publish(store, "iris", TestModels.network(2));
        store.setAlias("iris", "production", 1, null, "first");
        Path tokens = dir.resolve("tokens");
        manage = TokenFile.create(tokens, List.of("read:*", "predict:*", "manage"));
        server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.tokens.file=" + tokens,
                "console.enabled=true",
                "serving.models=iris",
                "server.access.log=false");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder form(String path, String body) {
        return HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Signs in; returns {cookie, csrf}. */
    private static String[] signIn() throws Exception {
        HttpResponse<String> r =
                send(form("/console/signin", "token=" + enc(manage)).header("Origin", server.url()));
        assertThat(r.statusCode()).isEqualTo(303);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Max-Age=28800")
                .doesNotContain("Secure");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(server.url() + "/console/models/iris"))
                .header("Cookie", cookie));
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).isTrue();
        return new String[] {cookie, m.group(1)};
    }

    @Test
    void pagesNeedASessionAndCarryTheSecurityHeaders() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(server.url() + "/console/models")));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/console/signin");
        assertThat(r.headers().firstValue("Content-Security-Policy")).contains(ConsoleRoutes.CSP);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
        HttpResponse<String> css =
                send(HttpRequest.newBuilder(URI.create(server.url() + "/console/static/console.css")));
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(send(HttpRequest.newBuilder(URI.create(server.url() + "/console/static/..%2Fpom.xml")))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void signInNeedsThisOriginAndAValidToken() throws Exception {
        assertThat(send(form("/console/signin", "token=" + enc(manage))).statusCode())
                .as("no Origin")
                .isEqualTo(403);
        assertThat(send(form("/console/signin", "token=" + enc(manage)).header("Origin", "http://evil.example"))
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> wrong =
                send(form("/console/signin", "token=hearth_abcd_nope").header("Origin", server.url()));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("not valid").doesNotContain("hearth_abcd_nope");
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void stateChangesNeedTheCsrfTokenAndThisOrigin() throws Exception {
        String[] s = signIn();
        String body = "alias=production&expected=1&version=2&reason=test";
        assertThat(send(form("/console/models/iris/alias", body)
                                .header("Cookie", s[0])
                                .header("Origin", server.url()))
                        .statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        assertThat(send(form("/console/models/iris/alias", body + "&csrf=" + enc(s[1]))
                                .header("Cookie", s[0])
                                .header("Origin", "http://127.0.0.1:1"))
                        .statusCode())
                .as("other origin")
                .isEqualTo(403);
        assertThat(send(form("/console/models/iris/alias", body + "&csrf=" + enc(s[1]))
                                .header("Cookie", s[0])
                                .header("Origin", server.url())
                                .header("Sec-Fetch-Site", "same-site"))
                        .statusCode())
                .as("cross-site fetch")
                .isEqualTo(403);
        assertThat(store.aliases("iris")).containsEntry("production", 1);
        HttpResponse<String> ok = send(form("/console/models/iris/alias", body + "&csrf=" + enc(s[1]))
                .header("Cookie", s[0])
                .header("Origin", server.url()));
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(store.aliases("iris")).containsEntry("production", 2);
        HttpResponse<String> stale = send(form("/console/models/iris/alias", body + "&csrf=" + enc(s[1]))
                .header("Cookie", s[0])
                .header("Origin", server.url()));
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("now points to version 2, not version 1");
        HttpResponse<String> noReason =
                send(form("/console/models/iris/alias", "alias=production&expected=2&version=1&csrf=" + enc(s[1]))
                        .header("Cookie", s[0])
                        .header("Origin", server.url()));
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("form field &#39;reason&#39; is required");
    }

    @Test
    void theApiAcceptsTheSessionOnlyWithItsCsrfHeader() throws Exception {
        String[] s = signIn();
        String infer = TestServer.request("c", new float[] {1, 2, 3, 4});
        HttpRequest.Builder base = HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/iris/infer"))
                .header("Content-Type", "application/json")
                .header("Cookie", s[0])
                .POST(HttpRequest.BodyPublishers.ofString(infer));
        assertThat(send(base).statusCode()).as("cookie alone").isEqualTo(401);
        HttpRequest.Builder withCsrf = HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/iris/infer"))
                .header("Content-Type", "application/json")
                .header("Cookie", s[0])
                .header(ConsoleSessions.CSRF_HEADER, s[1])
                .POST(HttpRequest.BodyPublishers.ofString(infer));
        assertThat(send(withCsrf.copy().header("Origin", "http://evil.example")).statusCode())
                .isEqualTo(403);
        HttpResponse<String> ok = send(withCsrf.copy().header("Origin", server.url()));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"label\"");
    }

    @Test
    void consoleIsAbsentWhenDisabled() throws Exception {
        try (TestServer off = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.models=iris",
                "server.access.log=false")) {
            assertThat(off.get("/console/models").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void markupIsEscaped() {
        assertThat(Html.esc("<img src=x onerror=alert(1)>")).isEqualTo("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(Html.esc("a\"b'c&d")).isEqualTo("a&quot;b&#39;c&amp;d");
        assertThat(Html.esc(null)).isEmpty();
    }
}
