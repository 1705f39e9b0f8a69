package dev.hearth.serving.model;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model version in memory, ready for inference: the DL4J network plus the signature and normaliser it was
 * trained with. Inference takes raw features and applies the stored normaliser first; a regression model's outputs
 * are mapped back to the target's own units with the inverse of its stored target normaliser.
 *
 * <p>Lifetime: users {@link #tryAcquire()} before and {@link #release()} after using the model. After
 * {@link #retire()} no new user can acquire it, and the network is closed (its off-heap memory freed) when the
 * last user releases it, so in-flight requests finish on the model they started with.
 */
public final class LoadedModel {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);
    private static final int RETIRED = Integer.MIN_VALUE / 2;

    private final ModelVersion version;
    private final MultiLayerNetwork network;
    private final long bytes;
    /** Hearth's own pass for plain dense networks, or null to use DL4J's {@code output()}; under the network's lock. */
    private final DenseForwardPass dense;
    /** Number of current users; negative (offset by RETIRED) once retired. */
    private final AtomicInteger users = new AtomicInteger();

    /**
     * @param denseFastPath whether a network made only of dense layers runs on {@link DenseForwardPass} (checked
     *     against DL4J's output on probe rows first) instead of {@code MultiLayerNetwork.output}
     */
    public LoadedModel(ModelVersion version, MultiLayerNetwork network, boolean denseFastPath) {
        this.version = version;
        this.network = network;
        this.bytes = network.numParams() * network.params().dataType().width();
        this.dense = denseFastPath ? denseForwardPass(version, network) : null;
    }

    private static DenseForwardPass denseForwardPass(ModelVersion version, MultiLayerNetwork network) {
        StringBuilder reason = new StringBuilder();
        DenseForwardPass pass;
        synchronized (network) {
            pass = DenseForwardPass.create(network, reason);
        }
        int width = version.metadata().signature().featureCount();
        if (pass != null && pass.inputWidth() != width) {
            reason.append("its first layer takes ").append(pass.inputWidth()).append(" inputs but the signature has ")
                    .append(width);
            pass.close();
            pass = null;
        }
        if (pass != null) {
            LOG.info("{} runs on the dense forward pass (direct BLAS calls)", version.ref());
        } else {
            LOG.info("{} runs on DL4J's forward pass: {}", version.ref(), reason);
        }
        return pass;
    }

    /** Whether inference runs on {@link DenseForwardPass} rather than DL4J's {@code output()}. */
    public boolean usesDenseForwardPass() {
        return dense != null;
    }

    public ModelVersion version() {
        return version;
    }

    public Signature signature() {
        return version.metadata().signature();
    }

    /** Off-heap bytes held by the parameters; what the off-heap budget counts. */
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

    /** Ends one use; closes the network if the model is retired and this was the last user. */
    public void release() {
        if (users.decrementAndGet() == RETIRED) {
            close();
        }
    }

    /** Refuses new users; the network is closed now if unused, else when the last user releases it. */
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

    /** Whether the network has been closed (retired and unused). */
    public boolean isReleased() {
        return users.get() == RETIRED - 1;
    }

    private void close() {
        if (users.compareAndSet(RETIRED, RETIRED - 1)) {
            synchronized (network) {
                if (dense != null) {
                    dense.close();
                }
                network.close();
            }
            LOG.info("Released {} ({} bytes of parameters)", version.ref(), bytes);
        }
    }

    /**
     * Class probabilities (or regression values in the target's units) for {@code rows} rows of raw features, laid
     * out row-major in {@code features}.
     *
     * @return {@code rows * outputWidth()} values, row-major
     */
    public float[] predict(float[] features, int rows) {
        int width = signature().featureCount();
        if (features.length != rows * width) {
            throw new IllegalArgumentException("expected " + rows * width + " values but got " + features.length);
        }
        ComputeThreads.onThisThread();
        float[] row = new float[width];
        // DL4J networks are not safe for concurrent output(), nor is the dense pass: one forward pass at a time.
        synchronized (network) {
            if (dense != null) {
                // Normalised row by row through one scratch row (the caller's array stays as it was).
                for (int r = 0; r < rows; r++) {
                    normalise(features, r, row);
                    dense.setRow(r, row, 0, rows);
                }
                return inTargetUnits(dense.forward(rows), rows);
            }
            // Each row a bulk copy into the off-heap buffer: Nd4j.create(float[], ...) stores element by element.
            INDArray input = Nd4j.createUninitialized(DataType.FLOAT, rows, width);
            FloatBuffer buffer = input.data().asNioFloat();
            for (int r = 0; r < rows; r++) {
                normalise(features, r, row);
                buffer.put(row);
            }
            return inTargetUnits(network.output(input, false).castTo(DataType.FLOAT).data().asFloat(), rows);
        }
    }

    private void normalise(float[] features, int r, float[] row) {
        System.arraycopy(features, r * row.length, row, 0, row.length);
        signature().normalizer().apply(row, 0, row.length);
    }

    /** A regression model's outputs, mapped back in place to the target's units (its target normaliser inverted). */
    private float[] inTargetUnits(float[] out, int rows) {
        NormalizerSpec target = signature().targetNormalizer();
        if (signature().isRegression() && !NormalizerSpec.NONE.equals(target.kind()) && rows > 0) {
            int k = out.length / rows;
            for (int r = 0; r < rows; r++) {
                target.invert(out, r * k, k);
            }
        }
        return out;
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
