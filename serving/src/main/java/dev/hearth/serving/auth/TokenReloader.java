package dev.hearth.serving.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's current tokens: the token file read and validated at start, then re-read whenever its content
 * changes (checked every interval by a SHA-256 of the file, which also catches edits that keep size and
 * modification time), so that {@code tokens revoke} and {@code tokens create} take effect without a restart. New
 * content is used once two checks in a row saw it, so a file caught in the middle of an in-place edit is never
 * used (the {@code tokens} command itself replaces the file atomically). A changed file that does not validate is
 * not used: the previous tokens stay in force and the error is logged once per content. A removed file means no
 * tokens.
 */
public final class TokenReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenReloader.class);
    private static final byte[] MISSING = new byte[0];

    private final Path file;
    private final long intervalMillis;
    private volatile TokenFile current;
    /** Digest of the content last used or refused. */
    private byte[] seen;
    /** Digest of new content seen by the previous check only, waiting to be seen once more. */
    private byte[] pending;

    private ScheduledExecutorService timer;

    private TokenReloader(Path file, long intervalMillis, TokenFile current, byte[] seen) {
        this.file = file;
        this.intervalMillis = intervalMillis;
        this.current = current;
        this.seen = seen;
    }

    /**
     * Reads and validates {@code file} now; {@link #start} begins watching it.
     *
     * @param intervalMillis how often to check for changes; 0 never re-reads
     * @throws IllegalArgumentException naming the file and the malformed line
     */
    public static TokenReloader read(Path file, long intervalMillis) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("the token reload interval must be >= 0 but was " + intervalMillis);
        }
        byte[] content = content(file);
        TokenFile tokens = content == MISSING ? TokenFile.empty() : TokenFile.parse(file, content);
        return new TokenReloader(file, intervalMillis, tokens, digest(content));
    }

    /** The tokens in force now. */
    public TokenFile current() {
        return current;
    }

    /** Starts the periodic check (no-op when the interval is 0 or already started). */
    public synchronized void start() {
        if (intervalMillis == 0 || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hearth-token-reload");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::checkSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void checkSafely() {
        try {
            check();
        } catch (Throwable t) {
            // One failed check must not cancel the schedule (a scheduled task that throws never runs again).
            LOG.error("Checking token file {} failed; will try again", file, t);
        }
    }

    /**
     * Re-reads the file if its content changed and has stayed the same since the previous check; returns whether
     * the tokens were replaced.
     */
    synchronized boolean check() {
        byte[] content;
        try {
            content = content(file);
        } catch (IllegalArgumentException e) {
            LOG.error("{}; keeping the {} tokens in force", e.getMessage(), current.size());
            return false;
        }
        byte[] digest = digest(content);
        if (Arrays.equals(digest, seen)) {
            pending = null;
            return false;
        }
        if (!Arrays.equals(digest, pending)) {
            pending = digest;
            return false;
        }
        seen = digest;
        pending = null;
        if (content == MISSING) {
            current = TokenFile.empty();
            LOG.warn("Token file {} was removed: every token is refused until it is back", file);
            return true;
        }
        try {
            TokenFile tokens = TokenFile.parse(file, content);
            current = tokens;
            LOG.info("Token file {} changed: {} tokens in force", file, tokens.size());
            return true;
        } catch (IllegalArgumentException e) {
            LOG.error(
                    "{}; the changed file is not used, the {} tokens read before stay in force",
                    e.getMessage(),
                    current.size());
            return false;
        }
    }

    private static byte[] content(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] digest(byte[] content) {
        if (content == MISSING) {
            return MISSING;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops watching; the current tokens stay readable. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
