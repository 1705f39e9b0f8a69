package dev.hearth.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which minibatches each worker fits in each averaging round of one epoch, so that every training example is fitted
 * exactly once. The epoch's shuffled rows are cut into {@code ceil(examples / batchSize)} minibatches of
 * {@code batchSize} rows (only the very last one may be smaller); the minibatches are spread as evenly as possible
 * over the fewest rounds in which no worker fits more than {@code averagingFrequency} of them, and within a round
 * over the workers (their loads differ by at most one minibatch). A <em>slot</em> is one worker's consecutive run of
 * minibatches in one round; slots are numbered round by round, and only non-empty slots exist.
 *
 * <p>Engine-neutral: any parameter-averaging engine trains slot {@code s} on one worker and averages each round's
 * replicas weighted by {@link #examples(int)}.
 */
public final class EpochPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long examples;
    private final int batchSize;
    private final int workers;
    private final int averagingFrequency;
    private final int batches;
    /** Per slot: its round, worker, first minibatch and number of minibatches. */
    private final int[] round;

    private final int[] worker;
    private final int[] firstBatch;
    private final int[] batchCount;
    /** Per round: its first slot; one extra entry = slot count. */
    private final int[] roundStart;

    /**
     * Plans an epoch of {@code examples} rows.
     *
     * @throws IllegalArgumentException when a count is not positive or the epoch has more minibatches than fit in
     *     an int
     */
    public EpochPlan(long examples, int batchSize, int workers, int averagingFrequency) {
        require(examples > 0, "examples", examples);
        require(batchSize > 0, "batch size", batchSize);
        require(workers > 0, "workers", workers);
        require(averagingFrequency > 0, "averaging frequency", averagingFrequency);
        long b = (examples + batchSize - 1) / batchSize;
        if (b > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(examples + " examples in minibatches of " + batchSize + " are more than "
                    + Integer.MAX_VALUE + " minibatches: raise the batch size");
        }
        this.examples = examples;
        this.batchSize = batchSize;
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
        this.batches = (int) b;
        long perRound = (long) workers * averagingFrequency;
        int rounds = (int) ((batches + perRound - 1) / perRound);
        List<int[]> slots = new ArrayList<>();
        roundStart = new int[rounds + 1];
        int next = 0;
        for (int r = 0; r < rounds; r++) {
            roundStart[r] = slots.size();
            int inRound = batches / rounds + (r < batches % rounds ? 1 : 0);
            int busy = Math.min(workers, inRound);
            for (int w = 0; w < busy; w++) {
                int count = inRound / busy + (w < inRound % busy ? 1 : 0);
                slots.add(new int[] {r, w, next, count});
                next += count;
            }
        }
        roundStart[rounds] = slots.size();
        int n = slots.size();
        round = new int[n];
        worker = new int[n];
        firstBatch = new int[n];
        batchCount = new int[n];
        for (int s = 0; s < n; s++) {
            int[] slot = slots.get(s);
            round[s] = slot[0];
            worker[s] = slot[1];
            firstBatch[s] = slot[2];
            batchCount[s] = slot[3];
        }
    }

    private static void require(boolean ok, String what, long value) {
        if (!ok) {
            throw new IllegalArgumentException("an epoch plan needs a positive number of " + what + ", not " + value);
        }
    }

    /** Training examples in the epoch (each fitted once). */
    public long examples() {
        return examples;
    }

    /** Rows per minibatch (the last minibatch of the epoch may have fewer). */
    public int batchSize() {
        return batchSize;
    }

    /** Workers available per round; a round has fewer busy workers only when it has fewer minibatches. */
    public int workers() {
        return workers;
    }

    /** The most minibatches a worker fits between two averagings. */
    public int averagingFrequency() {
        return averagingFrequency;
    }

    /** Minibatches in the epoch. */
    public int batches() {
        return batches;
    }

    /** Averaging rounds in the epoch. */
    public int rounds() {
        return roundStart.length - 1;
    }

    /** Slots in the epoch (non-empty worker runs, round by round). */
    public int slots() {
        return round.length;
    }

    /** The first slot of {@code round}. */
    public int firstSlot(int round) {
        return roundStart[round];
    }

    /** Slots (busy workers) in {@code round}. */
    public int slotsIn(int round) {
        return roundStart[round + 1] - roundStart[round];
    }

    /** The round of {@code slot}. */
    public int round(int slot) {
        return round[slot];
    }

    /** The worker (0-based, within its round) of {@code slot}. */
    public int worker(int slot) {
        return worker[slot];
    }

    /** Minibatches in {@code slot}. */
    public int batches(int slot) {
        return batchCount[slot];
    }

    /** The first row (0-based position in the epoch's shuffled order) of {@code slot}. */
    public long firstRow(int slot) {
        return (long) firstBatch[slot] * batchSize;
    }

    /** Examples in {@code slot}: the weight of its worker's replica when its round is averaged. */
    public long examples(int slot) {
        return Math.min(examples, (long) (firstBatch[slot] + batchCount[slot]) * batchSize) - firstRow(slot);
    }

    /** Examples fitted in {@code round}. */
    public long roundExamples(int round) {
        long sum = 0;
        for (int s = firstSlot(round); s < firstSlot(round + 1); s++) {
            sum += examples(s);
        }
        return sum;
    }

    /** The most minibatches any worker fits in {@code round}. */
    public int maxBatches(int round) {
        int max = 0;
        for (int s = firstSlot(round); s < firstSlot(round + 1); s++) {
            max = Math.max(max, batchCount[s]);
        }
        return max;
    }

    /** The slot that fits the row at {@code position} of the shuffled order. */
    public int slotOf(long position) {
        if (position < 0 || position >= examples) {
            throw new IllegalArgumentException("row position " + position + " is outside [0, " + examples + ")");
        }
        int batch = (int) (position / batchSize);
        int i = Arrays.binarySearch(firstBatch, batch);
        return i >= 0 ? i : -i - 2;
    }

    @Override
    public String toString() {
        return examples + " examples in " + batches + " minibatches of " + batchSize + " over " + rounds()
                + " rounds of up to " + workers + " workers x " + averagingFrequency + " minibatches";
    }
}
