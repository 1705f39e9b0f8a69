package dev.hearth.bench;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Every native thread limit of this JVM's ND4J: libnd4j's own parallel loops (its environment's limits and the
 * calling thread's OpenMP default, which conv and pooling ops use) and OpenBLAS's pool, set together as the
 * server's {@code ComputeThreads} sets them. Raising only OpenBLAS's limit, as the first baselines did, left
 * libnd4j's ops and oneDNN at the one thread {@code bench/run} exports ({@code OMP_NUM_THREADS=1}) and handicapped
 * the single-JVM conv baseline (440-462 against 660-711 examples/s with every limit at 2, measured 2026-11-30).
 */
record ThreadLimits(int libnd4j, int master, int blas) {

    /** The limits in force now (the OpenMP default of a thread cannot be read back; it is set with libnd4j's). */
    static ThreadLimits current() {
        return new ThreadLimits(
                Nd4j.getEnvironment().maxThreads(),
                Nd4j.getEnvironment().maxMasterThreads(),
                Nd4j.factory().blas().getMaxThreads());
    }

    /** Sets every limit to {@code threads}; returns the limits before, for {@link #restore}. */
    static ThreadLimits all(int threads) {
        ThreadLimits before = current();
        new ThreadLimits(threads, threads, threads).restore();
        return before;
    }

    /** Puts these limits back in force (the calling thread's OpenMP default follows libnd4j's limit). */
    void restore() {
        Nd4j.getEnvironment().setMaxThreads(libnd4j);
        Nd4j.getEnvironment().setMaxMasterThreads(master);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(libnd4j);
        Nd4j.factory().blas().setMaxThreads(blas);
    }

    @Override
    public String toString() {
        return "libnd4j " + libnd4j + ", master " + master + ", OpenBLAS " + blas;
    }
}
