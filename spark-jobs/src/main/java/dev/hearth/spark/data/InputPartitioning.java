package dev.hearth.spark.data;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Spreads input that arrives in fewer partitions than the cluster has cores (one gzip file, a few Parquet files)
 * over the default parallelism, so that parsing downstream, statistics and evaluation use every core. Unlike
 * {@code repartition}, whose output order depends on the order shuffle blocks are fetched in, every row lands in a
 * partition and at a place within it that depend only on where it was read: the same input gives the same
 * partitions in every run, which keeps the seeded shuffle and splits downstream reproducible.
 */
public final class InputPartitioning {
    private InputPartitioning() {}

    /** {@code rows} over at least {@code parallelism} partitions (unchanged when it already has as many). */
    public static <T> JavaRDD<T> spread(JavaRDD<T> rows, int parallelism) {
        if (rows.getNumPartitions() >= parallelism) {
            return rows;
        }
        return rows.mapPartitionsWithIndex(
                        (partition, it) -> {
                            long base = (long) partition << 32;
                            return new java.util.Iterator<Tuple2<Long, T>>() {
                                private long row;

                                @Override
                                public boolean hasNext() {
                                    return it.hasNext();
                                }

                                @Override
                                public Tuple2<Long, T> next() {
                                    return new Tuple2<>(base | row++, it.next());
                                }
                            };
                        },
                        true)
                .mapToPair(t -> t)
                .repartitionAndSortWithinPartitions(new RoundRobin(parallelism))
                .values();
    }

    /** Deals the rows of each input partition out in turn, starting one partition further for the next input. */
    static final class RoundRobin extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        RoundRobin(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            long k = (Long) key;
            return (int) (((k >>> 32) + (k & 0xffffffffL)) % partitions);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RoundRobin r && r.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }
}
