package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A {@link Error} thrown by a handler bypasses Javalin's exception handlers; the error mapper's fatal handler
 * still answers like any 500 (only a request id) and logs the error with that id. Real Jetty, real client.
 */
class ErrorMapperTest {
    private static final Pattern ANSWER = Pattern.compile("internal error, request id ([0-9a-f]{16})");

    @Test
    void fatalErrorsAnswerOnlyARequestIdAndAreLoggedWithIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ErrorMapper errors = new ErrorMapper(json);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.pvt.javaLangErrorHandler(errors::fatal);
        });
        app.get("/boom", ctx -> {
            throw new StackOverflowError("secret detail /srv/store/model.zip");
        });
        app.exception(Exception.class, errors::handle);
        try (LogCapture log = LogCapture.of(ErrorMapper.class.getName())) {
            app.start("127.0.0.1", 0);
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/boom"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).doesNotContain("secret").doesNotContain("StackOverflow");
            JsonNode body = json.readTree(r.body());
            Matcher m = ANSWER.matcher(body.get("error").asText());
            assertThat(m.matches()).as(r.body()).isTrue();
            assertThat(log.events())
                    .filteredOn(e -> e.message().contains(m.group(1)))
                    .singleElement()
                    .satisfies(e -> assertThat(e.thrown())
                            .isInstanceOf(StackOverflowError.class)
                            .hasMessageContaining("secret detail"));
        } finally {
            app.stop();
        }
    }
}
