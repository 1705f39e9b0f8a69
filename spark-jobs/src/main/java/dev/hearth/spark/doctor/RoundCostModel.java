package dev.hearth.spark.doctor;

/**
 * The cost of one averaging round of {@code train.engine=hearth}, measured on a cluster and extrapolated to other
 * executor counts, averaging frequencies and batch sizes. A round with {@code N} workers, each fitting {@code K}
 * minibatches of {@code B} examples, takes {@code K * step(B) + overhead(N)} milliseconds, where
 * <ul>
 *   <li>{@code step(B) = stepMs * B / batch}: one worker fitting one minibatch; modelled as proportional to the
 *       batch size (conservative: per-example cost falls as the batch grows);</li>
 *   <li>{@code overhead(N) = fixedMs + perWorkerMs * N}: everything in the round but the workers' compute
 *       (broadcast, task scheduling and launch, a worker reading the broadcast, result transfer, tree aggregation,
 *       the driver's averaging), a straight line through the overheads measured at two worker counts.</li>
 * </ul>
 * The speed-up over one core training without Spark is {@code N * K * step / (K * step + overhead(N))}.
 *
 * @param batch the measured minibatch size
 * @param stepMs milliseconds one worker takes to fit one minibatch of {@code batch} examples
 * @param fixedMs the part of a round's overhead that does not grow with the workers
 * @param perWorkerMs what each further worker adds to a round's overhead (0 or more)
 */
public record RoundCostModel(int batch, double stepMs, double fixedMs, double perWorkerMs) {

    public RoundCostModel {
        if (batch < 1 || !(stepMs > 0) || !(fixedMs >= 0) || !(perWorkerMs >= 0)) {
            throw new IllegalArgumentException(
                    "round cost model needs batch >= 1, step > 0 ms and overheads >= 0 ms, got batch " + batch
                            + ", step " + stepMs + ", fixed " + fixedMs + ", per worker " + perWorkerMs);
        }
    }

    /**
     * The model through two measured rounds: overhead {@code overheadLow} ms with {@code workersLow} workers and
     * {@code overheadHigh} with {@code workersHigh} (equal counts, or a smaller overhead with more workers, give a
     * flat line at the larger overhead: noise, not a saving).
     */
    public static RoundCostModel fit(
            int batch, double stepMs, int workersLow, double overheadLow, int workersHigh, double overheadHigh) {
        if (workersHigh <= workersLow || overheadHigh <= overheadLow) {
            return new RoundCostModel(batch, stepMs, Math.max(0, Math.max(overheadLow, overheadHigh)), 0);
        }
        double slope = (overheadHigh - overheadLow) / (workersHigh - workersLow);
        return new RoundCostModel(batch, stepMs, Math.max(0, overheadLow - slope * workersLow), slope);
    }

    /** Milliseconds one worker takes to fit one minibatch of {@code b} examples. */
    public double stepMs(int b) {
        return stepMs * b / batch;
    }

    /** A round's overhead with {@code workers} workers, ms. */
    public double overheadMs(int workers) {
        return fixedMs + perWorkerMs * workers;
    }

    /** A round's wall time, ms. */
    public double roundMs(int workers, int k, int b) {
        return k * stepMs(b) + overheadMs(workers);
    }

    /** The share of a round spent outside the workers' compute. */
    public double overheadShare(int workers, int k, int b) {
        return overheadMs(workers) / roundMs(workers, k, b);
    }

    /** Examples/s with {@code workers} workers over examples/s of one core without Spark. */
    public double speedUp(int workers, int k, int b) {
        double compute = k * stepMs(b);
        return workers * compute / (compute + overheadMs(workers));
    }

    /** The smallest averaging frequency K that keeps the overhead share at or under {@code share} at batch {@code b}. */
    public int averagingFrequencyFor(int workers, int b, double share) {
        // overhead / (K step + overhead) <= share  <=>  K >= overhead (1 - share) / (share step)
        double k = overheadMs(workers) * (1 - share) / (share * stepMs(b));
        return (int) Math.max(1, Math.ceil(k - 1e-9));
    }

    /** The smallest batch size that keeps the overhead share at or under {@code share} at averaging frequency {@code k}. */
    public int batchFor(int workers, int k, double share) {
        double b = overheadMs(workers) * (1 - share) / (share * k * stepMs) * batch;
        return (int) Math.max(1, Math.ceil(b - 1e-9));
    }
}
