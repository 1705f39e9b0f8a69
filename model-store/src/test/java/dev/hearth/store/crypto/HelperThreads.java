package dev.hearth.store.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** Finds the chunked streams' helper threads by name, for tests that check none outlives its stream. */
public final class HelperThreads {
    private HelperThreads() {}

    /** The live sealing and read-ahead threads of this JVM. */
    public static List<Thread> live() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive()
                        && (t.getName().equals("hearth-seal") || t.getName().equals("hearth-open")))
                .toList();
    }

    /** Fails unless every helper thread has ended within 2 s (a stopped thread may take a moment to die). */
    public static void assertNoneLeft() throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!live().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), live().stream().map(Thread::getName).toList(), "helper threads left running");
    }
}
