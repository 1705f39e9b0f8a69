package dev.hearth.bench.abuse;

import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Memory of another JVM, read from outside: its proportional set size from {@code /proc/<pid>/smaps_rollup} (ZGC
 * maps the heap three times, so RSS counts it up to three times; PSS counts each physical page once) and its heap
 * use from {@code jcmd <pid> GC.heap_info} (the attach API, local only). Reads never throw: an unavailable figure
 * is -1, and a read that does not answer within 5 s (a server thrashing in GC) gives -1.
 */
final class ProcessMemory implements AutoCloseable {
    private final long pid;
    private final ExecutorService jmxThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "abuse-heap");
        t.setDaemon(true);
        return t;
    });
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
                    return Long.parseLong(line.substring(field.length())
                                    .replace("kB", "")
                                    .strip())
                            * 1024;
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

    /**
     * Runs on the reader thread only. {@code jcmd GC.heap_info} rather than JMX: a JMX connection Java-deserializes
     * RMI and management classes in the server, which the server's deserialization filter (conf/jvm17.args)
     * rightly refuses; jcmd's attach protocol is plain text.
     */
    private MemoryUsage readHeap() {
        try {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java"))
                    .resolveSibling("jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                jmxProblem = "jcmd GC.heap_info failed: "
                        + out.strip().lines().findFirst().orElse("");
                return null;
            }
            for (String line : out.split("\n")) {
                String l = line.strip();
                if (l.startsWith("Metaspace") || l.startsWith("class space") || !l.contains(" used ")) {
                    continue;
                }
                long used = size(l, "used");
                long max = size(l, "max capacity");
                return new MemoryUsage(-1, used, used, max);
            }
            jmxProblem = "no heap line in jcmd GC.heap_info: "
                    + out.strip().lines().findFirst().orElse("");
            return null;
        } catch (IOException | RuntimeException e) {
            jmxProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** "used 123M" in a heap_info line, in bytes; -1 when absent. */
    private static long size(String line, String field) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(field + " (\\d+)([KMG])").matcher(line);
        if (!m.find()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        return n
                << switch (m.group(2)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    default -> 30;
                };
    }

    @Override
    public void close() {
        jmxThread.shutdown();
    }
}
