package dev.hearth.serving.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects what one log4j2 logger (and its children) writes while open, at INFO and above. */
final class LogCapture extends AbstractAppender implements AutoCloseable {
    /** One captured event: the formatted message and the exception logged with it, if any. */
    record Event(Level level, String message, Throwable thrown) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Level before;

    private LogCapture(String loggerName) {
        super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
        logger = (Logger) LogManager.getLogger(loggerName);
        before = logger.getLevel();
    }

    /** Starts capturing the logger {@code name}. */
    static LogCapture of(String name) {
        LogCapture c = new LogCapture(name);
        c.start();
        c.logger.addAppender(c);
        c.logger.setLevel(Level.INFO);
        return c;
    }

    @Override
    public void append(LogEvent event) {
        events.add(new Event(event.getLevel(), event.getMessage().getFormattedMessage(), event.getThrown()));
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** The formatted messages, in order. */
    List<String> lines() {
        return events.stream().map(Event::message).toList();
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        logger.setLevel(before);
        stop();
    }
}
