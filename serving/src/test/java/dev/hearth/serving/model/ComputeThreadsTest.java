package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

class ComputeThreadsTest {
    private int before;
    private int blasBefore;

    @BeforeEach
    void remember() {
        before = ComputeThreads.current();
        blasBefore = Nd4j.factory().blas().getMaxThreads();
    }

    @AfterEach
    void restore() {
        Nd4j.getEnvironment().setMaxThreads(before);
        Nd4j.getEnvironment().setMaxMasterThreads(before);
        Nd4j.factory().blas().setMaxThreads(blasBefore);
    }

    @Test
    void limitsLibnd4jAndBlasThreads() {
        ComputeThreads.apply(1);
        assertThat(ComputeThreads.current()).isEqualTo(1);
        assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(1);
        assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(1);
        // Still computes correctly with the limit.
        assertThat(Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}})
                        .mmul(Nd4j.createFromArray(new float[][] {{1}, {1}}))
                        .toFloatVector())
                .containsExactly(3f, 7f);
    }

    @Test
    void zeroKeepsNd4jDefault() {
        ComputeThreads.apply(0);
        assertThat(ComputeThreads.current()).isEqualTo(before);
    }

    @Test
    void negativeIsRefusedWithTheSettingName() {
        assertThatThrownBy(() -> ComputeThreads.apply(-2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serving.compute.threads must be >= 0 but was -2");
    }

    @Test
    void eachForwardPassThreadGetsItsOwnOpenMpDefault() throws Exception {
        AtomicIntegerArray seen = new AtomicIntegerArray(2);
        Thread t = new Thread(() -> {
            ComputeThreads.apply(3);
            ComputeThreads.onThisThread();
            seen.set(0, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
            ComputeThreads.apply(1);
            ComputeThreads.onThisThread();
            seen.set(1, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        });
        t.start();
        t.join();
        assertThat(seen.get(0)).isEqualTo(3);
        assertThat(seen.get(1)).isEqualTo(1);
    }
}
