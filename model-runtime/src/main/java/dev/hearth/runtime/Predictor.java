package dev.hearth.runtime;

import dev.hearth.store.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stored model version restored and ready to run: named tensors in, named tensors out. Whatever the stored model
 * needs around its graph (the feature normaliser before it, the inverse target normaliser after it) is applied
 * inside, so callers pass raw features and read results in the model's own units.
 *
 * <p>Thread safety: {@link #predict} may be called from several threads at once; an implementation whose engine is
 * not thread-safe serialises calls itself. {@link #close()} must not race with {@code predict}: callers count their
 * users (as the server does) and close when the last one is done. Closing frees native memory and is idempotent.
 */
public interface Predictor extends AutoCloseable {

    /** The inputs {@link #predict} takes, in the model's order. */
    List<TensorSpec> inputs();

    /** The outputs {@link #predict} can return, in the model's order. */
    List<TensorSpec> outputs();

    /**
     * Runs the model once on one batch.
     *
     * @param inputs every input of {@link #inputs()} by name, of its datatype and a shape that agrees with its spec
     *     (dynamic axes free)
     * @param requested names of the outputs to return; empty for all of them
     * @return the requested outputs by name, in {@link #outputs()} order
     * @throws PredictionException when an input is missing, unknown, or of the wrong datatype or shape (the message
     *     names it), or when the model fails on this input
     */
    Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> requested);

    /** Native (off-heap) bytes this model holds while loaded: what an off-heap budget counts. */
    long offHeapBytes();

    /** Frees the model's native memory; later calls to {@link #predict} fail. */
    @Override
    void close();
}
