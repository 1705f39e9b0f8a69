package dev.hearth.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HAProxy's configuration rendered from the template: port, one server line per replica, the stats frontend. */
class HaproxyConfigTest {
    private static final String STATS =
            "frontend stats\n    bind 127.0.0.1:8404\n    stats enable\n    stats uri /stats\n    stats refresh 5s\n";

    @Test
    void fillsThePlaceholdersAndAppendsTheStatsFrontend() {
        String template = "# at @PORT@\nfrontend f\n    bind 127.0.0.1:@PORT@\nbackend replicas\n@SERVERS@\n";
        assertThat(HaproxyConfig.render(template, 8080, 8404, List.of(9001, 9002, 9003)))
                .isEqualTo("# at 8080\nfrontend f\n    bind 127.0.0.1:8080\nbackend replicas\n"
                        + "    server r1 127.0.0.1:9001\n    server r2 127.0.0.1:9002\n    server r3 127.0.0.1:9003\n"
                        + STATS);
        // A template without a final newline gets one, as a line-by-line copy gives it.
        assertThat(HaproxyConfig.render("a @PORT@", 1, 8404, List.of())).isEqualTo("a 1\n" + STATS);
    }

    @Test
    void theProjectTemplateLeavesNoPlaceholder() throws Exception {
        Path root = Path.of(System.getProperty("hearth.root", "..")).toAbsolutePath();
        String template = Files.readString(root.resolve("conf/haproxy.cfg"));
        String config = HaproxyConfig.render(template, 18080, 18404, List.of(19001, 19002));
        assertThat(config).doesNotContain("@PORT@", "@SERVERS@");
        assertThat(config)
                .contains("    bind 127.0.0.1:18080\n", "backend replicas\n", "option httpchk GET /v2/health/ready");
        assertThat(config).contains("    server r1 127.0.0.1:19001\n    server r2 127.0.0.1:19002\nfrontend stats\n");
        assertThat(config)
                .endsWith("    bind 127.0.0.1:18404\n    stats enable\n    stats uri /stats\n    stats refresh 5s\n");
    }
}
