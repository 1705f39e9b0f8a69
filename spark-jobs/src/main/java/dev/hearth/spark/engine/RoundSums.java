package dev.hearth.spark.engine;

import java.io.Serializable;

/**
 * What a round's workers send back, summed: parameters and updater state each weighted by the examples the worker
 * fitted, the sum of minibatch losses weighted the same way, and the example count. Sums (not means) so that
 * {@code treeAggregate} can combine any number of workers in any order.
 */
final class RoundSums implements Serializable {
    private static final long serialVersionUID = 1L;

    float[] params;
    float[] state;
    double loss;
    long examples;
    int workers;
    /** Worker time summed over workers, ms: loading the start values and opening the trainer, reading minibatches, fitting. */
    double initMs;

    double dataMs;
    double computeMs;

    RoundSums() {}

    /**
     * One worker's result: its parameters and state after fitting {@code n} examples with mean loss {@code l},
     * already multiplied by {@code n} (the arrays become the sums).
     */
    static RoundSums ofWorker(float[] workerParams, float[] workerState, double l, long n) {
        RoundSums sums = new RoundSums();
        sums.params = workerParams;
        sums.state = workerState;
        sums.loss = l * n;
        sums.examples = n;
        sums.workers = 1;
        return sums;
    }

    /** This plus {@code other}, in place (either may be the empty zero value). */
    RoundSums merge(RoundSums other) {
        if (other.params == null) {
            return this;
        }
        if (params == null) {
            return other;
        }
        for (int i = 0; i < params.length; i++) {
            params[i] += other.params[i];
        }
        for (int i = 0; i < state.length; i++) {
            state[i] += other.state[i];
        }
        loss += other.loss;
        examples += other.examples;
        workers += other.workers;
        initMs += other.initMs;
        dataMs += other.dataMs;
        computeMs += other.computeMs;
        return this;
    }
}
