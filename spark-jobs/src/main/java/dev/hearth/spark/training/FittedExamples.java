package dev.hearth.spark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Counts the examples and minibatches the workers have fitted: a DL4J worker hook, called after every
 * {@code fit(minibatch)}, that adds to two Spark accumulators. The driver reads how much the last epoch really
 * trained on, not how many rows it handed over. A task that fails and is retried counts only its successful attempt.
 */
final class FittedExamples implements TrainingHook {
    private static final long serialVersionUID = 1L;

    private final LongAccumulator examples;
    private final LongAccumulator batches;

    FittedExamples(JavaSparkContext sc) {
        this.examples = sc.sc().longAccumulator("hearth.fittedExamples");
        this.batches = sc.sc().longAccumulator("hearth.fittedMinibatches");
    }

    /** Starts counting afresh (driver side, between epochs). */
    void reset() {
        examples.reset();
        batches.reset();
    }

    /** Examples fitted since the last {@link #reset()}. */
    long examples() {
        return examples.value();
    }

    /** Minibatches fitted since the last {@link #reset()}. */
    long batches() {
        return batches.value();
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {}

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        examples.add(minibatch.numExamples());
        batches.add(1);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        examples.add(minibatch.getFeatures(0).size(0));
        batches.add(1);
    }
}
