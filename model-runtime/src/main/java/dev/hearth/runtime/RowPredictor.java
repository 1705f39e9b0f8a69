package dev.hearth.runtime;

/**
 * A {@link Predictor} over one FP32 input of rows ({@code [-1, inputWidth]}) and one FP32 output of rows
 * ({@code [-1, outputWidth]}), with a fast path on plain arrays for callers that already hold rows: the server's
 * micro-batches, Spark partitions, benchmarks. {@link #predictRows} is what {@link #predict} does, without building
 * tensors, so a caller gains no copies by using it.
 */
public interface RowPredictor extends Predictor {

    /** Values per input row. */
    int inputWidth();

    /** Values per output row: one per class, or one per regression target. */
    int outputWidth();

    /**
     * Runs {@code rows} rows of raw features, laid out row-major in {@code features}; the stored normaliser is
     * applied on a copy (the caller's array is left as it was) and a regression model's outputs come back in the
     * target's own units.
     *
     * @return {@code rows * outputWidth()} values, row-major; a new array the caller owns
     * @throws PredictionException when {@code features} does not hold {@code rows * inputWidth()} values
     */
    float[] predictRows(float[] features, int rows);
}
