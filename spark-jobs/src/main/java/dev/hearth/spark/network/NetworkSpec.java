package dev.hearth.spark.network;

import java.util.List;

/**
 * A validated network description: input shape, hidden layers, head, optimiser and regularisation.
 *
 * @param input input shape: {@code [features]} or {@code [channels, height, width]} for image-shaped rows
 * @param layers hidden layers in order
 * @param head classification (softmax, cross-entropy) or regression (identity, MSE)
 * @param updater adam, sgd or nesterovs
 * @param learningRate initial learning rate
 * @param schedule none, exponential or step (per iteration)
 * @param decay gamma (exponential) or decay rate (step)
 * @param decaySteps iterations between decays (step)
 * @param l2 L2 regularisation
 * @param seed weight-initialisation seed
 */
public record NetworkSpec(
        List<Integer> input,
        List<LayerSpec> layers,
        Head head,
        Updater updater,
        double learningRate,
        Schedule schedule,
        double decay,
        int decaySteps,
        double l2,
        long seed) {
    public NetworkSpec {
        input = List.copyOf(input);
        layers = List.copyOf(layers);
    }

    /** Whether the head predicts classes. */
    public boolean isClassification() {
        return head == Head.CLASSIFICATION;
    }

    /** Number of input values per example (product of the input shape). */
    public int inputSize() {
        return input.stream().reduce(1, (a, b) -> a * b);
    }
}
