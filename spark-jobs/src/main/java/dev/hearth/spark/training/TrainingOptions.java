package dev.hearth.spark.training;

import dev.hearth.config.Choice;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How an engine trains: the distributed-training knobs. Built by {@link TrainJobConfig} from the settings with
 * {@link #builder()}, or by {@link #forEvaluation(int)} for a pass that only evaluates.
 *
 * @param workers number of training workers, 0 = Spark's default parallelism
 * @param batchSizePerWorker minibatch size each worker fits
 * @param averagingFrequency the most minibatches a worker fits between averaging rounds
 * @param prefetchBatches minibatches prefetched per worker
 * @param approach how workers read minibatches ({@code train.approach})
 * @param exportDirectory directory for exported minibatches, empty for a temp dir
 * @param seed seed of the engine's random choices
 * @param stats whether to record a per-round time breakdown of every epoch
 */
public record TrainingOptions(
        int workers,
        int batchSizePerWorker,
        int averagingFrequency,
        int prefetchBatches,
        Approach approach,
        String exportDirectory,
        long seed,
        boolean stats) {

    /** {@code train.approach}: how workers read their minibatches. */
    public enum Approach implements Choice {
        /** Export when the default file system is shared, else direct. */
        AUTO,
        /** Minibatches exported as files on the default file system. */
        EXPORT,
        /** Minibatches straight from the RDD. */
        DIRECT
    }

    public TrainingOptions {
        Objects.requireNonNull(approach, "approach");
        Objects.requireNonNull(exportDirectory, "exportDirectory");
    }

    /** The positional form with the approach as its word ({@code export}, {@code direct}, {@code auto}). */
    public TrainingOptions(
            int workers,
            int batchSizePerWorker,
            int averagingFrequency,
            int prefetchBatches,
            String approach,
            String exportDirectory,
            long seed,
            boolean stats) {
        this(
                workers,
                batchSizePerWorker,
                averagingFrequency,
                prefetchBatches,
                Choice.parse(TrainSettings.TRAIN_APPROACH, approach, Approach.class),
                exportDirectory,
                seed,
                stats);
    }

    /**
     * Options for a distributed evaluation pass: Spark's default parallelism, {@code batchSize} rows per minibatch,
     * read straight from the RDD, no prefetch and no statistics.
     */
    public static TrainingOptions forEvaluation(int batchSize) {
        return builder().batchSizePerWorker(batchSize).approach(Approach.DIRECT).build();
    }

    /** A builder starting from the defaults of {@code conf/train.properties}' engine-independent values. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of workers on {@code sc}: {@link #workers()}, or Spark's default parallelism when that is 0. */
    public int workers(JavaSparkContext sc) {
        return workers > 0 ? workers : sc.defaultParallelism();
    }

    /** Named steps for the eight values; unset ones keep the defaults shown on each method. */
    public static final class Builder {
        private int workers;
        private int batchSizePerWorker = 32;
        private int averagingFrequency = 1;
        private int prefetchBatches;
        private Approach approach = Approach.AUTO;
        private String exportDirectory = "";
        private long seed;
        private boolean stats;

        private Builder() {}

        /** Training workers (default 0: Spark's default parallelism). */
        public Builder workers(int value) {
            workers = value;
            return this;
        }

        /** Minibatch rows per worker (default 32). */
        public Builder batchSizePerWorker(int value) {
            batchSizePerWorker = value;
            return this;
        }

        /** Minibatches between averaging rounds (default 1). */
        public Builder averagingFrequency(int value) {
            averagingFrequency = value;
            return this;
        }

        /** Minibatches prefetched per worker (default 0). */
        public Builder prefetchBatches(int value) {
            prefetchBatches = value;
            return this;
        }

        /** How workers read minibatches (default auto). */
        public Builder approach(Approach value) {
            approach = value;
            return this;
        }

        /** Directory of exported minibatches (default empty: a temporary directory). */
        public Builder exportDirectory(String value) {
            exportDirectory = value;
            return this;
        }

        /** Seed of the engine's random choices (default 0). */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Record a per-round time breakdown (default false). */
        public Builder stats(boolean value) {
            stats = value;
            return this;
        }

        /** The options. */
        public TrainingOptions build() {
            return new TrainingOptions(
                    workers,
                    batchSizePerWorker,
                    averagingFrequency,
                    prefetchBatches,
                    approach,
                    exportDirectory,
                    seed,
                    stats);
        }
    }
}
