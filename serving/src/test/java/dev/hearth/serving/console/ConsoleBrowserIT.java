package dev.hearth.serving.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.AuditEvent;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console in a real headless Chromium against a real server on a real store (real DL4J models published
 * through the store API): sign-in, every page, images decoded, diff, promotion with a manage token (store and audit
 * log changed) and refused with a read-only one (store unchanged), a stale promotion's conflict, try-it against a
 * direct API call, the markup tag rendered as text, a cross-origin POST refused, and no browser-console errors.
 * Screenshots of every page go to {@code target/console-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IRIS_ROW = "5.1,3.5,1.4,0.2";

    @TempDir
    static Path dir;

    static HadoopModelStore store;
    static TestServer server;
    static BrowserSession browser;
    static String readToken;
    static String readTokenId;
    static String manageToken;
    static String manageTokenId;
    static String predictToken;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of(BrowserSession.CHROMIUM))
                        && Files.isExecutable(Path.of(BrowserSession.CHROMEDRIVER)),
                "needs Debian's chromium and chromium-driver (bin/hearth test installs them)");
        store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        ConsoleStoreFixture.publish(store);
        Path tokens = dir.resolve("tokens");
        readToken = TokenFile.create(tokens, List.of("read:*", "predict:*"));
        manageToken = TokenFile.create(tokens, List.of("read:*", "predict:*", "manage"));
        predictToken = TokenFile.create(tokens, List.of("predict:*"));
        readTokenId = readToken.split("_")[1];
        manageTokenId = manageToken.split("_")[1];
        server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.tokens.file=" + tokens,
                "console.enabled=true",
                "serving.models=iris,digits",
                "console.metrics.sample.ms=500",
                "serving.poll.interval.ms=0",
                "server.access.log=false");
        browser = new BrowserSession(dir.resolve("chrome-profile"), Path.of("target/console-screenshots"));
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static void signIn(String token) {
        browser.open(server.url() + "/console/signin");
        if (!browser.findAll("form.who button").isEmpty()) {
            browser.find("form.who button").click();
            browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.id("token")));
        }
        browser.find("#token").sendKeys(token);
        browser.find("#signin button").click();
        browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.id("models")));
    }

    private static void assertNoConsoleErrors(String page) {
        assertThat(browser.consoleProblems()).as("browser console on " + page).isEmpty();
    }

    /** After a page that answers with an error status on purpose: only that status may be logged. */
    private static void assertOnlyStatusLogged(String page, int status) {
        assertThat(browser.consoleProblems())
                .as("browser console on " + page)
                .allMatch(m -> m.contains("status of " + status));
    }

    @Test
    @Order(1)
    void signInThenModelsTable() throws Exception {
        browser.open(server.url() + "/console/models");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/signin");
        browser.find("#token").sendKeys("hearth_0000_wrong");
        browser.find("#signin button").click();
        assertThat(browser.find("#error").getText()).contains("not valid");
        assertOnlyStatusLogged("failed sign-in", 401);
        signIn(readToken);
        List<String> names = browser.findAll("#models tbody tr td:first-child").stream()
                .map(WebElement::getText)
                .toList();
        assertThat(names).containsExactly("digits", "iris", "wine");
        String iris = browser.find("#models tbody tr:nth-child(2)").getText();
        assertThat(iris)
                .contains("production → 1")
                .contains("staging → 2")
                .contains("version 3")
                .contains("rejected");
        assertThat(browser.find("#who").getText()).contains(readTokenId);
        browser.screenshot("models");
        assertNoConsoleErrors("models");
        browser.find("#filter").sendKeys("iri");
        WebElement filter = browser.find("form.filter");
        filter.findElement(By.cssSelector("button")).click();
        browser.waitUpTo(10).until(ExpectedConditions.stalenessOf(filter));
        assertThat(browser.findAll("#models tbody tr")).hasSize(1);
        browser.resize(390, 844);
        browser.open(server.url() + "/console/models");
        browser.screenshot("models-phone");
        assertThat(((Number) browser.script("return document.documentElement.scrollWidth - window.innerWidth;"))
                        .intValue())
                .as("no sideways scrolling of the page on a phone (wide tables scroll in place)")
                .isLessThanOrEqualTo(0);
        browser.resize(1280, 900);

        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/console/signin"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp)
                        .contains("script-src 'self'")
                        .contains("frame-ancestors 'none'")
                        .doesNotContain("unsafe"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");
    }

    @Test
    @Order(2)
    void versionPageDecodesImagesAndRendersMarkupAsText() throws Exception {
        browser.open(server.url() + "/console/models/iris");
        assertThat(browser.find("#versions tbody").getText())
                .contains("rejected")
                .contains("accuracy 0.7500");
        browser.screenshot("model");
        assertNoConsoleErrors("model");
        browser.find("#versions a[href$='/versions/3']").click();
        browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.id("learning-curve")));
        browser.waitUpTo(10)
                .until(d -> ((Number) browser.script("return document.getElementById('learning-curve').naturalWidth;"))
                                .intValue()
                        > 0);
        assertThat(((Number) browser.script("return document.getElementById('confusion-matrix').naturalWidth;"))
                        .intValue())
                .isEqualTo(120);
        assertThat(browser.find("#integrity").getText()).isEqualTo("verified");
        assertThat(browser.find("#tags").getText()).contains(ConsoleStoreFixture.XSS);
        assertThat(browser.findAll("img[src='x']")).isEmpty();
        assertThat(browser.find("#gate-reasons").getText()).contains("recall.c dropped");
        assertThat(browser.find("#per-class").getText()).contains("0.4000");
        assertThat(browser.find("#provenance").getText())
                .contains("local-170000003")
                .contains("0123abc3");
        browser.screenshot("version");
        assertNoConsoleErrors("version");
    }

    @Test
    @Order(3)
    void diffOfTwoVersionsHighlightsChanges() throws Exception {
        browser.open(server.url() + "/console/models/iris");
        browser.find("#versions input[name=a][value='1']").click();
        browser.find("#versions input[name=b][value='3']").click();
        browser.find("#diff").click();
        browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.id("diff-summary")));
        List<String> changed = browser.findAll("tr.changed th").stream()
                .map(WebElement::getText)
                .toList();
        assertThat(changed).contains("accuracy", "recall.c", "network.layers", "dataset.sha256", "gitCommit");
        assertThat(changed).doesNotContain("recall.a");
        browser.screenshot("diff");
        assertNoConsoleErrors("diff");
    }

    @Test
    @Order(4)
    void readOnlyTokenCannotPromote() throws Exception {
        browser.open(server.url() + "/console/models/iris");
        move("production", 3, "should be refused");
        assertThat(browser.find("#error").getText())
                .contains("lacks scope 'manage'")
                .contains(readTokenId);
        assertOnlyStatusLogged("refused promotion", 403);
        assertThat(store.aliases("iris")).containsEntry("production", 1);
    }

    @Test
    @Order(5)
    void manageTokenPromotesAndTheAuditLogRecordsIt() throws Exception {
        signIn(manageToken);
        browser.open(server.url() + "/console/models/iris");
        move("production", 2, "staging looked good");
        assertThat(browser.find("#notice").getText()).contains("moved production from version 1 to version 2");
        assertNoConsoleErrors("promotion");
        assertThat(store.aliases("iris")).containsEntry("production", 2);
        List<AuditEvent> log = store.auditLog("iris");
        AuditEvent last = log.get(log.size() - 1);
        assertThat(last.action()).isEqualTo(AuditEvent.ALIAS_SET);
        assertThat(last.to()).isEqualTo(2);
        assertThat(last.who()).isEqualTo("token:" + manageTokenId + " (console)");
        assertThat(last.reason()).isEqualTo("staging looked good");
    }

    @Test
    @Order(6)
    void stalePromotionIsRefusedWithTheConflictExplained() throws Exception {
        browser.open(server.url() + "/console/models/iris");
        assertThat(browser.find("#aliases").getText()).contains("production 2");
        store.setAlias("iris", "production", 1, 2, "moved elsewhere meanwhile");
        move("production", 3, "based on a stale page");
        assertThat(browser.find("#error").getText()).contains("now points to version 1, not version 2");
        assertOnlyStatusLogged("conflict", 409);
        assertThat(store.aliases("iris")).containsEntry("production", 1);
    }

    @Test
    @Order(7)
    void tagAndRollback() throws Exception {
        browser.open(server.url() + "/console/models/iris");
        WebElement tag = browser.find("#tag");
        tag.findElement(By.name("version")).sendKeys("2");
        tag.findElement(By.name("key")).sendKeys("reviewed");
        tag.findElement(By.name("value")).sendKeys("yes");
        tag.findElement(By.name("reason")).sendKeys("checked the confusion matrix");
        submit(tag);
        assertThat(browser.find("#notice").getText()).contains("tagged version 2 with reviewed=yes");
        WebElement rollback = browser.find("#rollback-production");
        rollback.findElement(By.name("reason")).sendKeys("undo");
        submit(rollback);
        assertThat(browser.find("#notice").getText()).contains("rolled production back");
        assertThat(store.aliases("iris")).containsEntry("production", 2);
        assertNoConsoleErrors("tag and rollback");
    }

    @Test
    @Order(8)
    void tryItAnswersLikeTheApi() throws Exception {
        browser.open(server.url() + "/console/try?model=iris");
        browser.find("#try-csv").sendKeys(IRIS_ROW);
        browser.find("#try-send").click();
        browser.waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#try-result li")));
        String top = browser.find("#try-result li").getAttribute("data-label");
        JsonNode direct = JSON.readTree(server.post(
                        "/v2/models/iris/infer",
                        TestServer.infer("direct", "[1,4]", "[" + IRIS_ROW + "]"),
                        predictToken)
                .body());
        String label = null;
        for (JsonNode o : direct.get("outputs")) {
            if (o.get("name").asText().equals("label")) {
                label = o.get("data").get(0).asText();
            }
        }
        assertThat(top).isEqualTo(label);
        browser.screenshot("try-it");
        assertNoConsoleErrors("try-it");

        browser.open(server.url() + "/console/try?model=digits");
        WebElement canvas = browser.find("#try-canvas");
        new Actions(browser.driver())
                .moveToElement(canvas, -40, -80)
                .clickAndHold()
                .moveByOffset(30, 60)
                .moveByOffset(20, 80)
                .release()
                .perform();
        browser.find("#try-send").click();
        browser.waitUpTo(20).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#try-result li"), 3));
        String drawnTop = browser.find("#try-result li").getAttribute("data-label");
        assertThat(drawnTop).matches("[0-9]");
        // The same 28x28 grey levels the page computed from the canvas, sent straight to the API.
        Object pixels = browser.script("const c = document.getElementById('try-canvas');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "const out = new Array(784).fill(0); const cell = c.width / 28;"
                + "for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++)"
                + " out[Math.floor(y / cell) * 28 + Math.floor(x / cell)] += d[(y * c.width + x) * 4];"
                + "return JSON.stringify(out.map(v => Math.round(v / (cell * cell))));");
        assertThat((String) pixels)
                .matches("\\[[0-9,]+\\]")
                .as("the drawing left ink")
                .matches(".*[1-9].*");
        JsonNode drawn = JSON.readTree(server.post(
                        "/v2/models/digits/infer", TestServer.infer("drawn", "[1,784]", (String) pixels), predictToken)
                .body());
        String drawnLabel = null;
        for (JsonNode o : drawn.get("outputs")) {
            if (o.get("name").asText().equals("label")) {
                drawnLabel = o.get("data").get(0).asText();
            }
        }
        assertThat(drawnTop).isEqualTo(drawnLabel);
        browser.screenshot("try-it-draw");
        assertNoConsoleErrors("try-it drawing");
    }

    @Test
    @Order(9)
    void crossOriginPostIsRefused() throws Exception {
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String form = "<!DOCTYPE html><html><head><link rel=icon href=data:,></head><body><form method=post action=\""
                + server.url() + "/console/models/iris/alias\"><input name=alias value=production>"
                + "<input name=expected value=2><input name=version value=3><input name=reason value=pwned>"
                + "<input name=csrf value=guess><button id=go>go</button></form></body></html>";
        evil.createContext("/", ex -> {
            byte[] body = form.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        evil.start();
        try {
            browser.open("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
            browser.find("#go").click();
            browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.id("error")));
            assertThat(browser.find("#error").getText()).contains("cross-origin");
            browser.consoleProblems();
        } finally {
            evil.stop(0);
        }
        assertThat(store.aliases("iris")).containsEntry("production", 2);
        // A script-less client forging the browser's headers with a stolen cookie but no CSRF token fares no better.
        HttpResponse<String> forged = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/iris/infer"))
                                .header("Origin", "http://evil.example")
                                .header(ConsoleSessions.CSRF_HEADER, "guess")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        TestServer.request("x", new float[] {1, 2, 3, 4})))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    @Order(10)
    void serviceChartsAndAuditLog() throws Exception {
        for (int i = 0; i < 20; i++) {
            server.post("/v2/models/iris/infer", TestServer.infer("load", "[1,4]", "[" + IRIS_ROW + "]"), predictToken);
        }
        Thread.sleep(1200);
        browser.open(server.url() + "/console/service");
        browser.waitUpTo(10)
                .until(d -> ((Number)
                                        browser.script(
                                                "return Array.from(document.querySelectorAll('img.chart')).filter(i => i.naturalWidth > 0).length;"))
                                .intValue()
                        == 8);
        Thread.sleep(3500);
        assertThat(browser.find("#service").getText()).contains("iris");
        browser.screenshot("service");
        assertNoConsoleErrors("service");

        browser.open(server.url() + "/console/audit?model=iris&action=alias-set");
        List<WebElement> rows = browser.findAll("#audit tbody tr");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.find("#audit").getText())
                .contains("token:" + manageTokenId + " (console)")
                .doesNotContain("retrain-rejected");
        browser.open(server.url() + "/console/audit");
        assertThat(browser.find("#audit").getText())
                .contains("retrain-rejected")
                .contains("tag");
        browser.screenshot("audit");
        assertNoConsoleErrors("audit");
    }

    @Test
    @Order(11)
    void revokingTheTokenEndsTheSession() throws Exception {
        TokenFile.revoke(dir.resolve("tokens"), manageTokenId);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(15))
                .until(() -> {
                    browser.open(server.url() + "/console/models");
                    return browser.driver().getCurrentUrl().endsWith("/console/signin");
                });
        assertNoConsoleErrors("sign-in after revocation");
    }

    private static void move(String alias, int version, String reason) {
        WebElement form = browser.find("#move-" + alias);
        form.findElement(By.name("version")).sendKeys(Integer.toString(version));
        form.findElement(By.name("reason")).sendKeys(reason);
        submit(form);
    }

    /** Submits a form and waits for the answer page (the form element goes stale). */
    private static void submit(WebElement form) {
        form.findElement(By.cssSelector("button")).click();
        browser.waitUpTo(10).until(ExpectedConditions.stalenessOf(form));
        browser.waitUpTo(10)
                .until(ExpectedConditions.or(
                        ExpectedConditions.presenceOfElementLocated(By.id("error")),
                        ExpectedConditions.presenceOfElementLocated(By.id("notice"))));
    }
}
