package dev.hearth.serving.model;

/**
 * What the model layer reports to observers (metrics). Implementations must be thread-safe and fast; they are
 * called on batching and loading threads.
 */
public interface ModelEvents {
    /** A served model appeared; gauges can bind to it. */
    default void slotAdded(ModelSlot slot) {}

    /** One forward pass ran over {@code requests} merged requests with {@code rows} rows in total. */
    default void batchExecuted(String model, int requests, int rows) {}

    /** A version was loaded, verified and warmed up in {@code nanos}. */
    default void loaded(String model, int version, long nanos) {}

    /** A version was refused; {@code reason} is a short tag such as {@code integrity} or {@code warmup}. */
    default void loadFailed(String model, int version, String reason) {}

    /** Events go nowhere. */
    ModelEvents NONE = new ModelEvents() {};
}
