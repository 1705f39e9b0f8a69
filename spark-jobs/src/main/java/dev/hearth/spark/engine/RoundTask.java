package dev.hearth.spark.engine;

import dev.hearth.spark.engine.fused.LocalTrainer;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's part of an averaging round, run as a Spark task on its slot's partition: start from the broadcast
 * parameters, updater state and counters, fit the slot's minibatches in order (fused step or DL4J {@code fit}),
 * and return the weighted {@link RoundSums}.
 */
final class RoundTask implements FlatMapFunction<Iterator<DataSet>, RoundSums> {
    private static final long serialVersionUID = 1L;

    private final String confJson;
    private final Broadcast<float[][]> start;
    private final int iteration;
    private final int epoch;
    private final int batchSize;
    private final long seed;
    private final boolean fused;

    RoundTask(String confJson, Broadcast<float[][]> start, int iteration, int epoch, int batchSize, long seed, boolean fused) {
        this.confJson = confJson;
        this.start = start;
        this.iteration = iteration;
        this.epoch = epoch;
        this.batchSize = batchSize;
        this.seed = seed;
        this.fused = fused;
    }

    @Override
    public Iterator<RoundSums> call(Iterator<DataSet> batches) {
        if (!batches.hasNext()) {
            return Collections.emptyIterator();
        }
        long t0 = System.nanoTime();
        MultiLayerNetwork net = WorkerNetworks.take(confJson);
        try {
            float[][] values = start.value();
            net.setParams(Nd4j.create(values[0], new long[] {1, values[0].length}));
            INDArray state = net.getUpdater().getStateViewArray();
            if (state != null) {
                state.assign(Nd4j.create(values[1], state.shape()));
            }
            net.setIterationCount(iteration);
            net.setEpochCount(epoch);
            double loss = 0;
            long examples = 0;
            long partition = TaskContext.get() == null ? 0 : TaskContext.get().partitionId();
            long dataNs = 0;
            long fitNs = 0;
            long initNs;
            try (LocalTrainer trainer = LocalTrainer.open(net, batchSize, seed * 1_000_003L + partition, fused)) {
                initNs = System.nanoTime() - t0;
                while (batches.hasNext()) {
                    long t1 = System.nanoTime();
                    DataSet b = batches.next();
                    long t2 = System.nanoTime();
                    int rows = b.numExamples();
                    loss += trainer.fit(b) * rows;
                    examples += rows;
                    dataNs += t2 - t1;
                    fitNs += System.nanoTime() - t2;
                }
            }
            float[] stateAfter = state == null ? new float[0] : net.getUpdater().getStateViewArray().toFloatVector();
            RoundSums sums = new RoundSums(values[0].length, stateAfter.length);
            sums.addWorker(net.params().toFloatVector(), stateAfter, loss / examples, examples);
            sums.initMs = initNs / 1e6;
            sums.dataMs = dataNs / 1e6;
            sums.computeMs = fitNs / 1e6;
            return List.of(sums).iterator();
        } finally {
            WorkerNetworks.release(confJson, net);
        }
    }
}
