package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Processes;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's first command, exactly as a user runs it: {@code bin/hearth quickstart}. */
class QuickstartIT {

    @Test
    void quickstartTrainsServesAndPredictsAboveNinetyPercent() throws Exception {
        try (Processes processes = new Processes()) {
            Processes.Result r = processes.run(
                    List.of("bash", HearthBuild.root().resolve("bin/hearth").toString(), "quickstart"),
                    Duration.ofMinutes(10));
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).containsPattern("prediction: digit \\d \\(true label \\d\\)");
            Matcher m = Pattern.compile("test accuracy: ([0-9.]+)").matcher(r.output());
            assertThat(m.find()).as(r.output()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(0.90);
            assertThat(r.output()).contains("server stopped");
        }
    }
}
