package dev.hearth.spark.training;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The one seam all training goes through: distributed fit and distributed evaluation of a network on minibatch
 * RDDs. Store, serving and jobs depend on this interface only, so the engine can be replaced.
 */
public interface TrainingEngine {

    /** The result of training: the fitted network and per-epoch progress. */
    record Trained(MultiLayerNetwork network, List<EpochResult> epochs, String approach) {}

    /**
     * Trains a new network on {@code train}.
     *
     * @param examples number of training examples (for throughput figures)
     */
    Trained fit(JavaSparkContext sc, MultiLayerConfiguration conf, JavaRDD<DataSet> train, long examples,
            TrainingOptions options);

    /** Evaluates {@code network} on {@code data} with one distributed pass. */
    Evaluation evaluate(JavaSparkContext sc, MultiLayerNetwork network, JavaRDD<DataSet> data, List<String> labels);
}
