package dev.hearth.notebook.display;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.spark.training.EpochResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TablesTest {
    @Test
    void cellsAreEscapedAndNumbersFormatted() {
        Html t = Tables.of(List.of("name", "value"), List.of(List.of("<a&b>", 0.123456789)));
        assertThat(t.html()).contains("&lt;a&amp;b&gt;").contains("0.1235").doesNotContain("<a&b>");
        assertThat(t.text()).contains("name").contains("0.1235");
    }

    @Test
    void rowsMustMatchHeaders() {
        assertThatThrownBy(() -> Tables.of(List.of("a", "b"), List.of(List.of("x"))))
                .hasMessageContaining("1 cells but there are 2 headers");
    }

    @Test
    void chartsAreHeadlessPngs() {
        List<EpochResult> run = List.of(new EpochResult(1, 0.9, 0.7, 100, 1), new EpochResult(2, 0.6, 0.8, 100, 1));
        assertThat(Plots.learningCurves(Map.of("a/1", run, "a/2", run), "accuracy")
                        .bytes())
                .hasSizeGreaterThan(1000);
        assertThat(Plots.metricComparison(Map.of("a/1", Map.of("accuracy", 0.8)), List.of("accuracy"))
                        .base64())
                .startsWith("iVBORw0KGgo");
        assertThat(Images.gallery(List.of(new float[784]), List.of("!Bag")).html())
                .contains("color:#c00");
        assertThatThrownBy(() -> new Png(new byte[] {1, 2, 3})).hasMessageContaining("PNG");
    }
}
