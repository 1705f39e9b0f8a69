package dev.hearth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.NormalizerSpec;
import org.junit.jupiter.api.Test;

/** {@code --normalizer}: one pair for every feature or one per feature; errors name the value and the rule. */
class NormalizerOptionTest {
    @Test
    void parsesNoneOnePairAndOnePairPerFeature() {
        assertThat(NormalizerOption.parse("none", 3).kind()).isEqualTo(NormalizerSpec.NONE);
        NormalizerSpec all = NormalizerOption.parse("minmax:0:255", 3);
        assertThat(all.min()).containsExactly(0, 0, 0);
        assertThat(all.max()).containsExactly(255, 255, 255);
        NormalizerSpec each = NormalizerOption.parse("standardize:1:2,3:4", 2);
        assertThat(each.mean()).containsExactly(1, 3);
        assertThat(each.std()).containsExactly(2, 4);
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThatThrownBy(() -> NormalizerOption.parse("zscore", 2))
                .hasMessageContaining("--normalizer must be none, minmax:LO:HI[,LO:HI...] or "
                        + "standardize:MEAN:STD[,MEAN:STD...] but was 'zscore'");
        assertThatThrownBy(() -> NormalizerOption.parse("minmax:0:1,0:1", 3))
                .hasMessageContaining("needs 1 pair or one per feature (3) but has 2");
        assertThatThrownBy(() -> NormalizerOption.parse("minmax:5:1", 2))
                .hasMessageContaining("pair '5:1' must be finite with LO <= HI");
        assertThatThrownBy(() -> NormalizerOption.parse("minmax:a:b", 2))
                .hasMessageContaining("pair 'a:b' must be two numbers as A:B");
        assertThatThrownBy(() -> NormalizerOption.parse("minmax:0:1", -1))
                .hasMessageContaining("needs a single FP32 input of shape [d, n]");
    }
}
