package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The slot's memory of refused versions is bounded: the oldest refusals are forgotten first. */
class ModelSlotTest {
    @Test
    void refusalsAreBoundedOldestFirst() {
        try (MicroBatcher batcher =
                new MicroBatcher("iris", new BatchingConfig(false, 1, 0, 10_000), ModelEvents.NONE)) {
            ModelSlot slot = new ModelSlot(ServingPolicy.parse("iris"), batcher);
            int total = ModelSlot.MAX_REFUSALS + 10;
            for (int v = 1; v <= total; v++) {
                slot.refuse(v, "bad bytes in version " + v);
            }
            assertThat(slot.refused()).hasSize(ModelSlot.MAX_REFUSALS);
            assertThat(slot.wasRefused(10)).isFalse();
            assertThat(slot.refusal(11)).isEqualTo("bad bytes in version 11");
            assertThat(slot.refusal(total)).isEqualTo("bad bytes in version " + total);
            assertThat(slot.problem()).isEqualTo("bad bytes in version " + total);
            // Refusing a remembered version again makes it the newest, so it outlives older ones.
            slot.refuse(11, "still bad");
            slot.refuse(total + 1, "new");
            assertThat(slot.refusal(11)).isEqualTo("still bad");
            assertThat(slot.wasRefused(12)).isFalse();
            slot.clearRefusals();
            assertThat(slot.refused()).isEmpty();
        }
    }
}
