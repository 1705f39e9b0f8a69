package dev.hearth.serving.model;

import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.Predictor;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.dl4j.Dl4jPredictor;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model version in memory, ready for inference: the runtime's {@link Predictor} (which applies the stored
 * normaliser and, for a regression model, maps outputs back to the target's units) plus the version it came from.
 *
 * <p>Lifetime: users {@link #tryAcquire()} before and {@link #release()} after using the model. After
 * {@link #retire()} no new user can acquire it, and the predictor is closed (its off-heap memory freed) when the
 * last user releases it, so in-flight requests finish on the model they started with.
 */
public final class LoadedModel {
    private static final int RETIRED = Integer.MIN_VALUE / 2;

    private final ModelVersion version;
    private final Predictor predictor;
    /** The predictor's row view, or null when it takes only named tensors. */
    private final RowPredictor rows;

    private final long bytes;
    /** Number of current users; negative (offset by RETIRED) once retired. */
    private final AtomicInteger users = new AtomicInteger();

    /** @param predictor the restored version; this model owns it and closes it when retired and unused */
    public LoadedModel(ModelVersion version, Predictor predictor) {
        this.version = version;
        this.predictor = predictor;
        this.rows = predictor instanceof RowPredictor r ? r : null;
        this.bytes = predictor.offHeapBytes();
    }

    /** Whether inference runs on the dense forward pass rather than DL4J's {@code output()}. */
    public boolean usesDenseForwardPass() {
        return predictor instanceof Dl4jPredictor d && d.usesDenseForwardPass();
    }

    public ModelVersion version() {
        return version;
    }

    /** The runtime's predictor (for named-tensor requests); valid while this model is acquired. */
    public Predictor predictor() {
        return predictor;
    }

    public Signature signature() {
        return version.metadata().signature();
    }

    /** Off-heap bytes held by the model; what the off-heap budget counts. */
    public long bytes() {
        return bytes;
    }

    /** Registers one user; false when the model is retired (the caller should look up the current model again). */
    public boolean tryAcquire() {
        while (true) {
            int n = users.get();
            if (n < 0) {
                return false;
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Ends one use; closes the predictor if the model is retired and this was the last user. */
    public void release() {
        if (users.decrementAndGet() == RETIRED) {
            close();
        }
    }

    /** Refuses new users; the predictor is closed now if unused, else when the last user releases it. */
    public void retire() {
        while (true) {
            int n = users.get();
            if (n < 0) {
                return;
            }
            if (users.compareAndSet(n, n + RETIRED)) {
                if (n == 0) {
                    close();
                }
                return;
            }
        }
    }

    /** Whether the predictor has been closed (retired and unused). */
    public boolean isReleased() {
        return users.get() == RETIRED - 1;
    }

    private void close() {
        if (users.compareAndSet(RETIRED, RETIRED - 1)) {
            predictor.close();
        }
    }

    /**
     * Class probabilities (or regression values in the target's units) for {@code rows} rows of raw features, laid
     * out row-major in {@code features}: the runtime's row fast path, no tensors built.
     *
     * @return {@code rows * outputWidth()} values, row-major
     */
    public float[] predict(float[] features, int rows) {
        if (this.rows == null) {
            throw new PredictionException(version.ref() + " takes named tensors, not rows of features", true);
        }
        ComputeThreads.onThisThread();
        return this.rows.predictRows(features, rows);
    }

    /**
     * Runs named input tensors (a model with a tensor signature) and returns the {@code outputs} asked for (all when
     * empty); valid while this model is acquired.
     *
     * @throws PredictionException with {@code isBadInput()} when an input does not fit the model (HTTP 400)
     */
    public Map<String, Tensor> runTensors(Map<String, Tensor> inputs, Set<String> outputs) {
        return predictor.predict(inputs, outputs);
    }

    /** Number of output classes (0 for a regression model). */
    public int classes() {
        return signature().labelNames().size();
    }

    /** Values per row the model returns: one per class, or one per regression target. */
    public int outputWidth() {
        return signature().outputWidth();
    }
}
