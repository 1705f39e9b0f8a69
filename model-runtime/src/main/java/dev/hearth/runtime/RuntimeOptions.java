package dev.hearth.runtime;

/**
 * How restored models run; the same values wherever a model runs (server, Spark jobs, infra check, benchmarks), so
 * every caller gets the same numbers.
 *
 * @param denseFastPath run plain dense DL4J networks on Hearth's dense forward pass (checked against DL4J's
 *     {@code output()} on probe rows at load) rather than on {@code output()}
 * @param intraOpThreads native threads one forward pass may use, 0 for the engine's default; for engines with a
 *     thread pool per loaded model (ONNX Runtime sessions); DL4J's threads are process-wide and set by the server
 */
public record RuntimeOptions(boolean denseFastPath, int intraOpThreads) {
    /** The server's defaults: the dense fast path on, the engine's default thread count. */
    public static final RuntimeOptions DEFAULTS = new RuntimeOptions(true, 0);

    public RuntimeOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 but was " + intraOpThreads);
        }
    }
}
