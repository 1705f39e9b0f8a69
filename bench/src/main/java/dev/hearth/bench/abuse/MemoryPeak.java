package dev.hearth.bench.abuse;

import java.util.concurrent.atomic.AtomicLong;

/** The highest PSS and heap use of the server seen while a load runs, sampled every half second. */
final class MemoryPeak implements AutoCloseable {
    private static final long PERIOD_MS = 500;

    private final ProcessMemory memory;
    private final AtomicLong maxPss = new AtomicLong(-1);
    private final AtomicLong maxHeap = new AtomicLong(-1);
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling {@code memory} at once. */
    MemoryPeak(ProcessMemory memory) {
        this.memory = memory;
        this.thread = new Thread(this::sample, "abuse-memory-peak");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (running) {
            maxPss.accumulateAndGet(memory.pssBytes(), Math::max);
            maxHeap.accumulateAndGet(memory.heapUsedBytes(), Math::max);
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    long maxPss() {
        return maxPss.get();
    }

    long maxHeap() {
        return maxHeap.get();
    }

    /** Stops sampling after one last sample, so a load shorter than the period still has a figure. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
        maxPss.accumulateAndGet(memory.pssBytes(), Math::max);
        maxHeap.accumulateAndGet(memory.heapUsedBytes(), Math::max);
    }
}
