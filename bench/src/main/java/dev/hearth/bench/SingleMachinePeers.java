package dev.hearth.bench;

import dev.hearth.spark.engine.fused.LocalTrainer;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The single-machine peers Hearth is measured against, each on both cores of this machine: DL4J's
 * {@code MultiLayerNetwork.fit} with every native thread limit at 2 ({@link ThreadLimits}), DL4J's own
 * data-parallel trainer {@code ParallelWrapper} (2 worker threads with one native thread each, averaging every
 * {@code averagingFrequency} minibatches, as Hearth's 2 Spark workers do), and Hearth's fused dense step in one JVM
 * (2 BLAS threads). Every peer evaluates the test set after every epoch (not timed). The limits in force before a
 * peer runs are restored after it, so the Hearth run that follows sees the benchmark's own settings.
 */
final class SingleMachinePeers {
    /** Per-epoch minibatches (every epoch shuffles) and the test accuracy of a network. */
    interface Epochs {
        List<DataSet> batches(int epoch) throws Exception;

        double accuracy(MultiLayerNetwork network);
    }

    private final String name;
    private final Epochs epochs;
    private final int count;
    private final long rows;

    SingleMachinePeers(String name, Epochs epochs, int count, long rows) {
        this.name = name;
        this.epochs = epochs;
        this.count = count;
        this.rows = rows;
    }

    /** DL4J {@code fit} in this JVM with every thread limit at 2. */
    PeerRun fit(MultiLayerNetwork net, int round) throws Exception {
        ThreadLimits before = ThreadLimits.all(2);
        try {
            PeerRun run = new PeerRun();
            for (int e = 1; e <= count; e++) {
                List<DataSet> batches = epochs.batches(e);
                long t0 = System.nanoTime();
                for (DataSet b : batches) {
                    net.fit(b);
                }
                record(run, "DL4J fit, all limits 2", round, e, t0, net);
            }
            return run;
        } finally {
            before.restore();
        }
    }

    /** DL4J {@code ParallelWrapper}: 2 workers with one native thread each. */
    PeerRun parallelWrapper(MultiLayerNetwork net, int round, int averagingFrequency) throws Exception {
        ThreadLimits before = ThreadLimits.all(1);
        try (ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
                .workers(2)
                .prefetchBuffer(2)
                .averagingFrequency(averagingFrequency)
                .averageUpdaters(true)
                .reportScoreAfterAveraging(false)
                .build()) {
            PeerRun run = new PeerRun();
            for (int e = 1; e <= count; e++) {
                List<DataSet> batches = epochs.batches(e);
                long t0 = System.nanoTime();
                wrapper.fit(new ExistingDataSetIterator(batches));
                record(run, "ParallelWrapper x2", round, e, t0, net);
            }
            return run;
        } finally {
            before.restore();
        }
    }

    /**
     * Hearth's fused dense step in this JVM with every thread limit at 2, or null (with the reason printed) for a
     * network it does not run.
     */
    PeerRun fused(MultiLayerNetwork net, int round, int batch, Supplier<StringBuilder> why) throws Exception {
        ThreadLimits before = ThreadLimits.all(2);
        try (LocalTrainer trainer = LocalTrainer.open(net, batch, 1, true)) {
            if (!trainer.isFused()) {
                why.get().append(trainer.fallbackReason());
                System.out.printf(Locale.ROOT, "[%s] fused step not run: %s%n", name, trainer.fallbackReason());
                return null;
            }
            PeerRun run = new PeerRun();
            for (int e = 1; e <= count; e++) {
                List<DataSet> batches = epochs.batches(e);
                long t0 = System.nanoTime();
                for (DataSet b : batches) {
                    trainer.fit(b);
                }
                record(run, "fused step, one JVM", round, e, t0, net);
            }
            return run;
        } finally {
            before.restore();
        }
    }

    private void record(PeerRun run, String who, int round, int epoch, long t0, MultiLayerNetwork net) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        double accuracy = epochs.accuracy(net);
        run.add(rows / seconds, seconds, accuracy);
        System.out.printf(
                Locale.ROOT,
                "[%s] round %d %s epoch %d: %.0f examples/s, test accuracy %.4f%n",
                name,
                round,
                who,
                epoch,
                rows / seconds,
                accuracy);
    }
}
