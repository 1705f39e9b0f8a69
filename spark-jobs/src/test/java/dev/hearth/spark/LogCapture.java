package dev.hearth.spark;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects the messages one logger writes while open (log4j2 is the test binding). */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final org.apache.logging.log4j.core.Logger logger;

    private LogCapture(Class<?> source) {
        super("capture-" + source.getSimpleName() + "-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        logger = (org.apache.logging.log4j.core.Logger)
                LogManager.getContext(false).getLogger(source.getName());
    }

    /** Starts capturing what {@code source}'s logger writes. */
    public static LogCapture of(Class<?> source) {
        LogCapture c = new LogCapture(source);
        c.start();
        c.logger.addAppender(c);
        return c;
    }

    @Override
    public void append(LogEvent event) {
        messages.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
    }

    /** Messages at {@code level}, formatted. */
    public List<String> at(Level level) {
        String prefix = level + " ";
        return messages.stream()
                .filter(m -> m.startsWith(prefix))
                .map(m -> m.substring(prefix.length()))
                .toList();
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
    }
}
