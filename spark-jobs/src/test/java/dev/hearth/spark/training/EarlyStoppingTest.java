package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    private static EpochResult epoch(int n, double loss, double validation) {
        return new EpochResult(n, loss, validation, 100, 1);
    }

    @Test
    void nanValidationIsNeverAnImprovementAndStopsTheRunKeepingTheBestEpoch() {
        EarlyStopping s = new EarlyStopping(true, true, 0, List.of(), 0);
        assertThat(s.record(epoch(1, 0.9, 0.80)).improved()).isTrue();
        assertThat(s.record(epoch(2, 0.7, 0.85)).improved()).isTrue();
        EarlyStopping.Decision d = s.record(epoch(3, 0.6, Double.NaN));
        assertThat(d.improved()).isFalse();
        assertThat(d.stopReason())
                .isEqualTo("epoch 3: the validation metric is NaN, so training diverged; "
                        + "stopping and keeping epoch 2");
        assertThat(s.bestEpoch()).isEqualTo(2);
    }

    @Test
    void aNonFiniteLossStopsTheRunEvenWithoutValidation() {
        EarlyStopping s = new EarlyStopping(true, false, 0, List.of(), 0);
        assertThat(s.record(epoch(1, 0.9, Double.NaN)).improved()).isTrue();
        EarlyStopping.Decision d = s.record(epoch(2, Double.POSITIVE_INFINITY, Double.NaN));
        assertThat(d.stop()).isTrue();
        assertThat(d.stopReason()).contains("the training loss is +Infinity").endsWith("keeping epoch 1");
        assertThat(s.bestEpoch()).isEqualTo(1);
    }

    @Test
    void anInfiniteRegressionMetricIsNotTheLowest() {
        EarlyStopping s = new EarlyStopping(false, true, 0, List.of(), 0);
        s.record(epoch(1, 2.0, 4.0));
        assertThat(s.record(epoch(2, 1.5, Double.NEGATIVE_INFINITY)).stop()).isTrue();
        assertThat(s.bestEpoch()).isEqualTo(1);
    }

    @Test
    void divergenceInTheFirstEpochFailsTheRunWithNothingToKeep() {
        EarlyStopping s = new EarlyStopping(true, true, 3, List.of(), 0);
        assertThatThrownBy(() -> s.record(epoch(1, Double.NaN, 0.1)))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageStartingWith("epoch 1: the training loss is NaN, so training diverged and there is no "
                        + "earlier epoch to keep; lower network.learning.rate");
    }

    @Test
    void patienceCountsEpochsSinceTheBestOne() {
        EarlyStopping s = new EarlyStopping(true, true, 2, List.of(), 0);
        s.record(epoch(1, 1, 0.5));
        assertThat(s.record(epoch(2, 1, 0.4)).stop()).isFalse();
        EarlyStopping.Decision d = s.record(epoch(3, 1, 0.5));
        assertThat(d.improved()).isFalse();
        assertThat(d.stopReason())
                .isEqualTo(
                        "early stopping after epoch 3: no better validation metric for 2 epochs; " + "keeping epoch 1");
    }

    @Test
    void aResumedRunComparesWithItsCheckpointedBest() {
        List<EpochResult> history = List.of(epoch(1, 1, 0.7), epoch(2, 1, 0.9), epoch(3, 1, 0.8));
        EarlyStopping s = new EarlyStopping(true, true, 0, history, 2);
        assertThat(s.record(epoch(4, 1, 0.85)).improved()).isFalse();
        assertThat(s.record(epoch(5, 1, 0.95)).improved()).isTrue();
        assertThat(s.bestEpoch()).isEqualTo(5);
    }
}
