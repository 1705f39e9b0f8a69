package dev.hearth.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it, failing with a description and diagnostics when it does not come true. */
public final class Poll {
    private Poll() {}

    /**
     * Polls {@code condition} every {@code interval} until it holds.
     *
     * @param what what is awaited, for the failure message
     * @param diagnostics evaluated only on timeout and appended to the failure message (e.g. log tails)
     * @throws AssertionError when {@code timeout} passes first
     */
    public static void until(
            String what, Duration timeout, Duration interval, BooleanSupplier condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n" + diagnostics.get());
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
