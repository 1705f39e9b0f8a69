package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationFileTest {
    record Epoch(int epoch, double loss, Object breakdown) {}

    @Test
    void writesTheSchemaInOrderAndReadsItBack() {
        EvaluationFile f = EvaluationFile.of(
                10,
                Map.of("accuracy", 0.9),
                List.of("a", "b"),
                List.of(),
                new long[][] {{4, 1}, {0, 5}},
                List.of(new Epoch(1, 0.5, null)),
                1);
        String json = new String(f.toJson(), StandardCharsets.UTF_8);
        assertThat(json.indexOf("\"examples\"")).isLessThan(json.indexOf("\"metrics\""));
        assertThat(json.indexOf("\"confusionMatrix\"")).isLessThan(json.indexOf("\"history\""));
        assertThat(json).contains("\"breakdown\" : null");
        EvaluationFile back = EvaluationFile.parse(f.toJson(), "m/1");
        assertThat(back.examples()).isEqualTo(10);
        assertThat(back.labels()).containsExactly("a", "b");
        assertThat(back.confusionMatrix()).isDeepEqualTo(new long[][] {{4, 1}, {0, 5}});
        assertThat(back.history()).singleElement().satisfies(e -> assertThat(e).containsEntry("epoch", 1));
        assertThat(back.bestEpoch()).isEqualTo(1);
    }

    @Test
    void aBrokenFileNamesTheVersion() {
        assertThatThrownBy(() -> EvaluationFile.parse("{".getBytes(StandardCharsets.UTF_8), "m/3"))
                .hasMessageStartingWith("cannot parse evaluation.json of m/3: ");
    }
}
