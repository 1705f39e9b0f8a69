package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-epoch order of cached blocks: the plan's own in the blocks' epoch, seeded permutations after it. */
class BlockOrderTest {

    @Test
    void theBlocksEpochFollowsThePlanAndLaterEpochsArePermutationsThatDiffer() {
        assertThat(BlockOrder.of(7, 1, 42, 1)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        int[] second = BlockOrder.of(200, 1, 42, 2);
        int[] third = BlockOrder.of(200, 1, 42, 3);
        assertThat(Arrays.stream(second).sorted().toArray())
                .isEqualTo(IntStream.range(0, 200).toArray());
        assertThat(Arrays.stream(third).sorted().toArray())
                .isEqualTo(IntStream.range(0, 200).toArray());
        assertThat(second)
                .isNotEqualTo(third)
                .isNotEqualTo(IntStream.range(0, 200).toArray());
        assertThat(BlockOrder.of(200, 1, 42, 2))
                .as("same seed and epoch, same order")
                .isEqualTo(second);
        assertThat(BlockOrder.of(200, 1, 43, 2))
                .as("another seed, another order")
                .isNotEqualTo(second);
        assertThat(BlockOrder.of(1, 1, 42, 5)).containsExactly(0);
    }

    @Test
    void refusesAnEmptyRun() {
        assertThatThrownBy(() -> BlockOrder.of(0, 1, 42, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a block order needs at least one block, not 0");
    }
}
