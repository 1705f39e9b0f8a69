package dev.hearth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {
    private static final float[] TWO_ROWS = {0.1f, 0.5f, 0.2f, 0.2f, 0.3f, 0.3f, 0.1f, 0.3f};

    @Test
    void argmaxPicksTheLargestValueOfEachRowAndTheFirstOnTies() {
        assertThat(Labels.argmax(TWO_ROWS, 0, 4)).isEqualTo(1);
        assertThat(Labels.argmax(TWO_ROWS, 1, 4)).isEqualTo(0);
        assertThat(Labels.argmax(new float[] {-3f}, 0, 1)).isZero();
        assertThatThrownBy(() -> Labels.argmax(TWO_ROWS, 0, 0)).hasMessage("classes must be >= 1 but was 0");
    }

    @Test
    void topKIsOrderedByValueThenByClassIndex() {
        assertThat(Labels.topK(TWO_ROWS, 0, 4, 2)).containsExactly(1, 2);
        assertThat(Labels.topK(TWO_ROWS, 0, 4, 4)).containsExactly(1, 2, 3, 0);
        assertThat(Labels.topK(TWO_ROWS, 1, 4, 3)).containsExactly(0, 1, 3);
        assertThat(Labels.topK(TWO_ROWS, 1, 4, 9)).containsExactly(0, 1, 3, 2);
        assertThat(Labels.topK(TWO_ROWS, 1, 4, 1)).containsExactly(Labels.argmax(TWO_ROWS, 1, 4));
        assertThatThrownBy(() -> Labels.topK(TWO_ROWS, 0, 4, 0)).hasMessage("k must be >= 1 but was 0");
    }

    @Test
    void namesTheChosenClasses() {
        Labels labels = new Labels(List.of("cat", "dog", "eel", "fox"));
        assertThat(labels.label(TWO_ROWS, 0)).isEqualTo("dog");
        assertThat(labels.label(TWO_ROWS, 1)).isEqualTo("cat");
        assertThat(labels.topLabels(TWO_ROWS, 1, 2)).containsExactly("cat", "dog");
        assertThat(labels.size()).isEqualTo(4);
        assertThatThrownBy(() -> new Labels(List.of())).hasMessageContaining("at least one class name");
    }
}
