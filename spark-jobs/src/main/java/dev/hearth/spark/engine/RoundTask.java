package dev.hearth.spark.engine;

import dev.hearth.spark.engine.fused.FlatValues;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction2;

/**
 * One worker's part of an averaging round, run as a Spark task on one cached minibatch block: take this executor's
 * worker of the session ({@link WorkerSessions}: network and fused buffers kept across rounds), load the broadcast
 * parameters, updater state and counters into it, fit the block's minibatches in order (fused step or DL4J
 * {@code fit}), and return the weighted {@link RoundSums}. Small on the wire: the session's configuration travels in
 * the session broadcast, the round's values in the round broadcast.
 */
final class RoundTask implements FlatMapFunction<Iterator<DataSet>, RoundSums> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<SessionSetup> session;
    private final Broadcast<float[][]> start;
    private final int iteration;
    private final int epoch;
    private final long seed;

    RoundTask(Broadcast<SessionSetup> session, Broadcast<float[][]> start, int iteration, int epoch, long seed) {
        this.session = session;
        this.start = start;
        this.iteration = iteration;
        this.epoch = epoch;
        this.seed = seed;
    }

    /**
     * This task as the function of a job run straight over the cached blocks ({@code SparkContext.runJob}): one
     * {@link RoundSums} per block, empty (no parameters) for an empty block.
     */
    AbstractFunction2<TaskContext, scala.collection.Iterator<DataSet>, RoundSums> asJobFunction() {
        return new JobFunction(this);
    }

    /** {@link #asJobFunction}: a plain serialisable class, so Spark's closure cleaner has nothing to walk. */
    private static final class JobFunction
            extends AbstractFunction2<TaskContext, scala.collection.Iterator<DataSet>, RoundSums>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RoundTask task;

        JobFunction(RoundTask task) {
            this.task = task;
        }

        @Override
        public RoundSums apply(TaskContext context, scala.collection.Iterator<DataSet> batches) {
            Iterator<RoundSums> out = task.call(JavaConverters.asJavaIterator(batches));
            return out.hasNext() ? out.next() : new RoundSums();
        }
    }

    @Override
    public Iterator<RoundSums> call(Iterator<DataSet> batches) {
        long t0 = System.nanoTime();
        // The first hasNext reads (and deserialises) the cached block: data time, not worker init.
        if (!batches.hasNext()) {
            return Collections.emptyIterator();
        }
        long blockNs = System.nanoTime() - t0;
        t0 = System.nanoTime();
        SessionSetup setup = session.value();
        WorkerSessions.Worker worker = WorkerSessions.take(setup);
        try {
            MultiLayerNetwork net = worker.network;
            float[][] values = start.value();
            FlatValues.load(net.params(), values[0]);
            INDArray state = net.getUpdater().getStateViewArray();
            if (state != null) {
                FlatValues.load(state, values[1]);
            }
            net.setIterationCount(iteration);
            net.setEpochCount(epoch);
            long partition = TaskContext.get() == null ? 0 : TaskContext.get().partitionId();
            worker.trainer.reseed(seed * 1_000_003L + partition);
            double loss = 0;
            long examples = 0;
            long dataNs = blockNs;
            long fitNs = 0;
            long initNs = System.nanoTime() - t0;
            while (batches.hasNext()) {
                long t1 = System.nanoTime();
                DataSet b = batches.next();
                long t2 = System.nanoTime();
                int rows = b.numExamples();
                loss += worker.trainer.fit(b) * rows;
                examples += rows;
                dataNs += t2 - t1;
                fitNs += System.nanoTime() - t2;
            }
            long t3 = System.nanoTime();
            RoundSums sums = RoundSums.ofWorker(
                    FlatValues.weighted(net.params(), examples),
                    state == null ? new float[0] : FlatValues.weighted(state, examples),
                    loss / examples,
                    examples);
            // Unloading the replica into the result counts with loading it: worker time outside the minibatches.
            initNs += System.nanoTime() - t3;
            sums.initMs = initNs / 1e6;
            sums.dataMs = dataNs / 1e6;
            sums.computeMs = fitNs / 1e6;
            return List.of(sums).iterator();
        } finally {
            WorkerSessions.release(setup, worker);
        }
    }
}
