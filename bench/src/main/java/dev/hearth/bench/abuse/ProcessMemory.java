package dev.hearth.bench.abuse;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Memory of another JVM, read from outside: its proportional set size from {@code /proc/<pid>/smaps_rollup} (ZGC
 * maps the heap three times, so RSS counts it up to three times; PSS counts each physical page once) and its heap
 * use through the JVM's local JMX agent, started with the attach API (loopback only). Reads never throw: an
 * unavailable figure is -1, and a JMX read that does not answer within 5 s (a server thrashing in GC) gives -1.
 */
final class ProcessMemory implements AutoCloseable {
    private final long pid;
    private final ExecutorService jmxThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "abuse-jmx");
        t.setDaemon(true);
        return t;
    });
    private JMXConnector connector;
    private MemoryMXBean memory;
    private volatile String jmxProblem;

    ProcessMemory(long pid) {
        this.pid = pid;
    }

    /** Proportional set size in bytes, -1 when {@code /proc} has none (process gone, not Linux). */
    long pssBytes() {
        return smapsRollup("Pss:");
    }

    /** Resident set size in bytes (overstates a ZGC heap), -1 when unavailable. */
    long rssBytes() {
        return smapsRollup("Rss:");
    }

    private long smapsRollup(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone or no smaps_rollup
        }
        return -1;
    }

    /** Heap in use now in bytes, -1 when unavailable. */
    long heapUsedBytes() {
        MemoryUsage u = heap();
        return u == null ? -1 : u.getUsed();
    }

    /** The heap's maximum (-Xmx) in bytes, -1 when unavailable. */
    long heapMaxBytes() {
        MemoryUsage u = heap();
        return u == null ? -1 : u.getMax();
    }

    /** Why heap figures are missing, or null. */
    String jmxProblem() {
        return jmxProblem;
    }

    private MemoryUsage heap() {
        Future<MemoryUsage> f = jmxThread.submit(this::readHeap);
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            return null;
        }
    }

    /** Runs on the JMX thread only, like every use of the connection. */
    private MemoryUsage readHeap() {
        try {
            if (memory == null) {
                connect();
            }
            return memory.getHeapMemoryUsage();
        } catch (Exception e) {
            jmxProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
            closeConnector();
            return null;
        }
    }

    private void connect() throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        memory = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    }

    private void closeConnector() {
        memory = null;
        if (connector != null) {
            try {
                connector.close();
            } catch (IOException e) {
                // the server is gone
            }
            connector = null;
        }
    }

    @Override
    public void close() {
        jmxThread.submit(this::closeConnector);
        jmxThread.shutdown();
    }
}
