package dev.hearth.spark.cluster;

import dev.hearth.testing.spark.StandaloneCluster;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prints a fixture's logs (e.g. {@link StandaloneCluster#logs()}) when a test fails. */
final class LogsOnFailure implements TestWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(LogsOnFailure.class);

    private final Supplier<String> logs;

    LogsOnFailure(Supplier<String> logs) {
        this.logs = logs;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String text;
        try {
            text = logs.get();
        } catch (RuntimeException e) {
            text = "(logs unavailable: " + e + ")";
        }
        LOG.error("{} failed; cluster logs:{}", context.getDisplayName(), text);
    }
}
