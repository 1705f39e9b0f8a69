package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EpochPlanTest {
    @ParameterizedTest(name = "{0} examples, batch {1}, {2} workers, frequency {3}")
    @CsvSource({
        "7107, 64, 2, 10",
        "19200, 64, 16, 10",
        "7000, 64, 2, 10",
        "1, 64, 2, 10",
        "100, 10, 16, 3",
        "1797, 32, 2, 3",
        "640, 64, 2, 5",
        "65, 64, 3, 1"
    })
    void everyRowIsInExactlyOneSlotAndNoWorkerExceedsTheFrequency(
            long examples, int batch, int workers, int frequency) {
        EpochPlan plan = new EpochPlan(examples, batch, workers, frequency);
        assertThat(plan.batches()).isEqualTo((int) ((examples + batch - 1) / batch));
        assertThat(plan.rounds()).as("the fewest rounds that fit").isEqualTo((int)
                ((plan.batches() + (long) workers * frequency - 1) / ((long) workers * frequency)));
        long rows = 0;
        int batches = 0;
        for (int s = 0; s < plan.slots(); s++) {
            assertThat(plan.firstRow(s))
                    .as("slot %d starts where the previous ended", s)
                    .isEqualTo(rows);
            assertThat(plan.examples(s)).isPositive();
            assertThat(plan.batches(s)).isBetween(1, frequency);
            assertThat(plan.worker(s)).isBetween(0, workers - 1);
            assertThat(plan.slotOf(plan.firstRow(s))).isEqualTo(s);
            assertThat(plan.slotOf(plan.firstRow(s) + plan.examples(s) - 1)).isEqualTo(s);
            rows += plan.examples(s);
            batches += plan.batches(s);
        }
        assertThat(rows).isEqualTo(examples);
        assertThat(batches).isEqualTo(plan.batches());
        long sumOfRounds = 0;
        for (int r = 0; r < plan.rounds(); r++) {
            assertThat(plan.slotsIn(r)).isBetween(1, workers);
            int min = Integer.MAX_VALUE;
            for (int s = plan.firstSlot(r); s < plan.firstSlot(r) + plan.slotsIn(r); s++) {
                assertThat(plan.round(s)).isEqualTo(r);
                min = Math.min(min, plan.batches(s));
            }
            assertThat(plan.maxBatches(r) - min).as("round %d is balanced", r).isLessThanOrEqualTo(1);
            sumOfRounds += plan.roundExamples(r);
        }
        assertThat(sumOfRounds).isEqualTo(examples);
    }

    @Test
    void theQuickstartHasSixRoundsOfNineOrTenMinibatchesPerWorker() {
        // 7,107 training rows, batch 64, 2 workers, frequency 10: DL4J alone fitted 100 of the 112 minibatches.
        EpochPlan plan = new EpochPlan(7107, 64, 2, 10);
        assertThat(plan.batches()).isEqualTo(112);
        assertThat(plan.rounds()).isEqualTo(6);
        assertThat(plan.slots()).isEqualTo(12);
        for (int s = 0; s < plan.slots(); s++) {
            assertThat(plan.batches(s)).isBetween(9, 10);
        }
        assertThat(plan.examples(plan.slots() - 1))
                .as("the last slot ends with the one short minibatch")
                .isEqualTo(9 * 64 - (112 * 64 - 7107));
    }

    @Test
    void aTinyEpochUsesOnlyAsManyWorkersAsItHasMinibatches() {
        EpochPlan plan = new EpochPlan(100, 64, 8, 10);
        assertThat(plan.rounds()).isEqualTo(1);
        assertThat(plan.slots()).isEqualTo(2);
        assertThat(plan.examples(0)).isEqualTo(64);
        assertThat(plan.examples(1)).isEqualTo(36);
    }

    @Test
    void badNumbersAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new EpochPlan(0, 64, 2, 10)).hasMessageContaining("examples, not 0");
        assertThatThrownBy(() -> new EpochPlan(10, 0, 2, 10)).hasMessageContaining("batch size, not 0");
        assertThatThrownBy(() -> new EpochPlan(10, 64, 0, 10)).hasMessageContaining("workers, not 0");
        assertThatThrownBy(() -> new EpochPlan(10, 64, 2, -1)).hasMessageContaining("averaging frequency, not -1");
        assertThatThrownBy(() -> new EpochPlan(10, 64, 2, 1).slotOf(10)).hasMessageContaining("outside [0, 10)");
    }
}
