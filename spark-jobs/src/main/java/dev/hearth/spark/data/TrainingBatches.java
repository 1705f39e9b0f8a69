package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * The training split as minibatches, shuffled anew every epoch. Each row is numbered once ({@code zipWithIndex});
 * epoch {@code e} moves row {@code i} to position {@code RowPermutation(count, seed, e).apply(i)}, one shuffle sends
 * every row to the slot of the {@link EpochPlan} that holds its position, and each slot sorts its rows by position
 * and cuts them into minibatches. So minibatches mix rows from every input file and partition, differ from epoch to
 * epoch, are the same for the same seed and input, and hold every training row exactly once per epoch.
 *
 * <p>Engine-neutral: any engine that trains slot by slot (DL4J's parameter averaging or Hearth's own) uses it.
 */
public final class TrainingBatches {
    private final JavaPairRDD<LabelledRow, Long> indexed;
    private final long count;
    private final int batchSize;
    private final LabelEncoding encoding;
    private final NormalizerSpec normalizer;
    private final int features;
    private final int workers;
    private final int averagingFrequency;
    private final long seed;
    /** Epoch 1's minibatches: the blocks an engine that caches once keeps for the whole run (lazy, built once). */
    private JavaRDD<DataSet> blocks;

    private TrainingBatches(
            JavaPairRDD<LabelledRow, Long> indexed,
            long count,
            int batchSize,
            LabelEncoding encoding,
            NormalizerSpec normalizer,
            int features,
            int workers,
            int averagingFrequency,
            long seed) {
        this.indexed = indexed;
        this.count = count;
        this.batchSize = batchSize;
        this.encoding = encoding;
        this.normalizer = normalizer;
        this.features = features;
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
        this.seed = seed;
    }

    /**
     * The minibatches of {@code rows} ({@code count} of them; the caller has counted them, e.g. when splitting).
     * Numbering the rows runs one Spark job over {@code rows}, which should therefore be cached upstream.
     *
     * @param workers workers per averaging round
     * @param averagingFrequency the most minibatches a worker fits between averagings
     * @param seed shuffle seed; epoch {@code e} uses the permutation of ({@code seed}, {@code e})
     */
    public static TrainingBatches of(
            JavaRDD<LabelledRow> rows,
            long count,
            int batchSize,
            LabelEncoding encoding,
            NormalizerSpec normalizer,
            int features,
            int workers,
            int averagingFrequency,
            long seed) {
        new EpochPlan(count, batchSize, workers, averagingFrequency); // validates the numbers before any job runs
        return new TrainingBatches(
                rows.zipWithIndex(),
                count,
                batchSize,
                encoding,
                normalizer,
                features,
                workers,
                averagingFrequency,
                seed);
    }

    /** Training examples per epoch. */
    public long examples() {
        return count;
    }

    /** The plan every epoch follows (the same shape each epoch; the rows in each slot change). */
    public EpochPlan plan() {
        return new EpochPlan(count, batchSize, workers, averagingFrequency);
    }

    /**
     * Epoch {@code epoch}'s minibatches (lazy: computed by the engine's first job over them), with epoch 1's as the
     * run's cacheable blocks (the same RDD every call, so an engine caches it once, also when a run resumes at a
     * later epoch). A slot that receives a different number of rows than planned (the training rows changed since
     * they were counted) fails the job.
     */
    public EpochBatches epoch(int epoch) {
        if (blocks == null) {
            blocks = epoch == 1 ? null : layout(1);
        }
        JavaRDD<DataSet> batches = layout(epoch);
        if (blocks == null) {
            blocks = batches;
        }
        return new EpochBatches(epoch, plan(), batches, 1, blocks);
    }

    /** The minibatches in epoch {@code epoch}'s shuffled layout (lazy). */
    private JavaRDD<DataSet> layout(int epoch) {
        EpochPlan plan = plan();
        RowPermutation permutation = new RowPermutation(count, seed, epoch);
        int size = batchSize;
        LabelEncoding enc = encoding;
        NormalizerSpec norm = normalizer;
        int width = features;
        long total = count;
        JavaRDD<DataSet> batches = indexed.mapToPair(t -> {
                    if (t._2() >= total) {
                        throw new IllegalStateException("the training split has more than the " + total
                                + " rows counted before training: its input changed during the run");
                    }
                    return new Tuple2<>(permutation.apply(t._2()), t._1());
                })
                .partitionBy(new SlotPartitioner(plan))
                .mapPartitionsWithIndex(
                        (slot, it) -> {
                            List<Tuple2<Long, LabelledRow>> rows = new ArrayList<>();
                            it.forEachRemaining(rows::add);
                            if (rows.size() != plan.examples(slot)) {
                                throw new IllegalStateException(
                                        "epoch " + epoch + ": slot " + slot + " received " + rows.size()
                                                + " training rows instead of " + plan.examples(slot)
                                                + ": the training split changed since it was counted");
                            }
                            rows.sort(Comparator.comparingLong(Tuple2::_1));
                            return MiniBatcher.batch(
                                    rows.stream().map(Tuple2::_2).iterator(), size, enc, norm, width);
                        },
                        true);
        batches.setName("hearth-epoch-" + epoch + "-minibatches");
        return batches;
    }

    /** Sends the row at a shuffled position to the slot that fits it. */
    static final class SlotPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final EpochPlan plan;

        SlotPartitioner(EpochPlan plan) {
            this.plan = plan;
        }

        @Override
        public int numPartitions() {
            return plan.slots();
        }

        @Override
        public int getPartition(Object key) {
            return plan.slotOf((Long) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlotPartitioner p && p.plan == plan;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(plan);
        }
    }
}
