package dev.hearth.serving.model;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many native threads (libnd4j's OpenMP loops and OpenBLAS) one forward pass may use, for the whole process.
 *
 * <p>ND4J otherwise uses every core for every forward pass. A server runs one forward pass per model at a time
 * (micro-batched or under the model's lock) while the HTTP threads parse and encode JSON on the same cores, and
 * idle OpenMP workers spin between passes, taking CPU from the HTTP threads, so a small model serves more requests
 * with one native thread than with ND4J's default (figures: bench/RESULTS.md, serving benchmark). Models with large layers and few concurrent requests may want more threads.
 */
public final class ComputeThreads {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeThreads.class);

    /** The configured limit, 0 for ND4J's default. */
    private static volatile int configured;
    /** Whether this thread's OpenMP default has been set to {@link #configured}. */
    private static final ThreadLocal<Integer> APPLIED = new ThreadLocal<>();

    private ComputeThreads() {}

    /**
     * Limits every later forward pass in this JVM to {@code threads} native threads; 0 leaves ND4J's default (all
     * cores, or the {@code OMP_NUM_THREADS} environment variable).
     *
     * @throws IllegalArgumentException when {@code threads} is negative
     */
    public static void apply(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("serving.compute.threads must be >= 0 but was " + threads);
        }
        configured = threads;
        if (threads == 0) {
            LOG.info(
                    "Forward passes use ND4J's default thread count ({})",
                    Nd4j.getEnvironment().maxThreads());
            return;
        }
        // libnd4j sizes every parallel loop from the environment's limits; OpenBLAS has its own pool.
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        LOG.info("Forward passes use {} native thread(s) (serving.compute.threads)", threads);
    }

    /**
     * Applies the limit to the calling thread's own OpenMP default. OpenMP keeps the default team size per thread
     * (set from {@code OMP_NUM_THREADS} or the core count when the thread first enters native code), and some of
     * libnd4j's loops use that default instead of the environment's limit: without this, the batcher's forward
     * passes still started a second OpenMP thread that spun between passes. Cheap after the first call per thread.
     */
    static void onThisThread() {
        int threads = configured;
        if (threads > 0 && !Integer.valueOf(threads).equals(APPLIED.get())) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
            APPLIED.set(threads);
        }
    }

    /** The current limit of libnd4j's parallel loops. */
    public static int current() {
        return Nd4j.getEnvironment().maxThreads();
    }
}
