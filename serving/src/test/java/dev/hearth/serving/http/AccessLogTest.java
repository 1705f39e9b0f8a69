package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.serving.auth.TokenFile;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One JSON access-log line per request, with the token's id but never the token or the payload. */
class AccessLogTest {
    @TempDir
    Path dir;

    /** Collects the access logger's lines. */
    private static final class Lines extends AbstractAppender {
        final List<String> lines = new CopyOnWriteArrayList<>();

        Lines() {
            super("access-lines", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
        }
    }

    @Test
    void oneJsonLinePerRequestWithoutSecretsOrPayloads() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(3));
        String token = TokenFile.create(dir.resolve("tokens"), List.of("predict:iris"));
        Logger access = (Logger) LogManager.getLogger("dev.hearth.serving.access");
        Lines appender = new Lines();
        appender.start();
        access.addAppender(appender);
        Level before = access.getLevel();
        access.setLevel(Level.INFO);
        try (TestServer server = TestServer.start(token, "store.root=" + store.root(),
                "auth.tokens.file=" + dir.resolve("tokens"), "serving.poll.interval.ms=0")) {
            assertThat(server.post("/v2/models/iris/infer", TestServer.infer("r", "[1,4]", "[1234.5678,2,3,4]"))
                    .statusCode()).isEqualTo(200);
            assertThat(server.post("/v2/models/iris/infer", "{bad", token).statusCode()).isEqualTo(400);
            assertThat(server.get("/v2/models/iris", "hearth_wrong_token").statusCode()).isEqualTo(401);
        } finally {
            access.removeAppender(appender);
            access.setLevel(before);
        }
        assertThat(appender.lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        JsonNode ok = json.readTree(appender.lines.get(0));
        assertThat(ok.get("method").asText()).isEqualTo("POST");
        assertThat(ok.get("status").asInt()).isEqualTo(200);
        assertThat(ok.get("model").asText()).isEqualTo("iris");
        assertThat(ok.get("version").asText()).isEqualTo("1");
        assertThat(ok.get("rows").asInt()).isEqualTo(1);
        assertThat(ok.get("token_id").asText()).isNotBlank().isNotEqualTo(token);
        assertThat(json.readTree(appender.lines.get(1)).get("status").asInt()).isEqualTo(400);
        assertThat(json.readTree(appender.lines.get(2)).get("status").asInt()).isEqualTo(401);
        String all = String.join("\n", appender.lines);
        assertThat(all).doesNotContain(token).doesNotContain(token.split("_", 3)[2])
                .doesNotContain("hearth_wrong_token").doesNotContain("1234.5678");
    }
}
