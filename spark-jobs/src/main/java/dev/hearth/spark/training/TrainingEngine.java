package dev.hearth.spark.training;

import dev.hearth.spark.data.EpochBatches;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The one seam all training and distributed evaluation go through. Store, serving and the jobs depend on this
 * interface only, so the engine can be replaced (e.g. by gradient sharing) without touching them.
 */
public interface TrainingEngine {

    /**
     * Opens a session that trains (and evaluates) {@code network} in place.
     *
     * @param network an initialised network: fresh, warm-started or restored from a checkpoint
     */
    Session open(JavaSparkContext sc, MultiLayerNetwork network, TrainingOptions options);

    /** A training session over one network; {@link #close()} releases its temporary files. */
    interface Session extends AutoCloseable {
        /**
         * Fits every minibatch of {@code epoch} exactly once, as its plan assigns them to workers and rounds (or,
         * for an engine that caches the run's blocks once, every block of {@link EpochBatches#blocks()} once, in
         * the epoch's {@link dev.hearth.spark.data.BlockOrder}); returns the training loss afterwards and the
         * examples fitted.
         */
        EpochFit fitEpoch(EpochBatches epoch);

        /** Classification metrics of the current network on {@code data}, in one distributed pass. */
        EvaluationReport evaluate(JavaRDD<DataSet> data, List<String> labels);

        /** Regression metrics of the current network on {@code data} ({@code examples} rows). */
        EvaluationReport evaluateRegression(JavaRDD<DataSet> data, long examples);

        /** Where the last {@link #fitEpoch} spent its time, or null when the engine does not record it. */
        default RoundBreakdown lastEpochBreakdown() {
            return null;
        }

        /** The network being trained. */
        MultiLayerNetwork network();

        /** How minibatches reach the workers ({@code export} or {@code direct}). */
        String approach();

        @Override
        void close();
    }
}
