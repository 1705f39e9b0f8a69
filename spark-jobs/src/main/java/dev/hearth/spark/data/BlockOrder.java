package dev.hearth.spark.data;

/**
 * The order in which an engine that caches the run's minibatch blocks once (one block = one slot of the first
 * epoch's {@link EpochPlan}) hands them to workers in each epoch: the plan's own order in the epoch the blocks were
 * cut for (so that epoch follows the plan exactly), a seeded permutation of the blocks in every other epoch (so
 * epochs differ, reproducibly, without re-reading or re-shuffling rows). Every block, hence every example, comes
 * exactly once per epoch.
 */
public final class BlockOrder {
    private BlockOrder() {}

    /**
     * The blocks of {@code epoch} in the order they are fitted.
     *
     * @param blocks number of cached blocks
     * @param blocksEpoch the epoch whose layout the blocks have
     * @param seed the run's shuffle seed
     */
    public static int[] of(int blocks, int blocksEpoch, long seed, int epoch) {
        if (blocks <= 0) {
            throw new IllegalArgumentException("a block order needs at least one block, not " + blocks);
        }
        int[] order = new int[blocks];
        if (epoch == blocksEpoch) {
            for (int i = 0; i < blocks; i++) {
                order[i] = i;
            }
            return order;
        }
        // Salted so the block order is not the row permutation of the same (seed, epoch) pair.
        RowPermutation permutation = new RowPermutation(blocks, seed ^ 0x6A09E667F3BCC908L, epoch);
        for (int i = 0; i < blocks; i++) {
            order[(int) permutation.apply(i)] = i;
        }
        return order;
    }
}
