package dev.hearth.serving.lifecycle;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a drain and a graceful stop instead of the JVM's default (run shutdown hooks, exit
 * 143): readiness turns 503 at once, the server keeps answering for the drain period, then {@code stop} runs and
 * {@link #await()} returns, so {@code main} can exit 0, which is what Kubernetes and process supervisors expect of a
 * clean stop. A second signal while draining is ignored; the drain period and the graceful stop are both bounded.
 */
public final class SignalDrain {
    private static final Logger LOG = LoggerFactory.getLogger(SignalDrain.class);

    private final Drain drain;
    private final Runnable stop;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** @param stop the graceful stop that runs after the drain period */
    public SignalDrain(Drain drain, Runnable stop) {
        this.drain = drain;
        this.stop = stop;
    }

    /** Handles SIGTERM and SIGINT from now on. */
    public void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> trigger("SIG" + name));
        }
    }

    /** Begins the drain on its own thread (idempotent); what a signal does. */
    public void trigger(String why) {
        if (!started.compareAndSet(false, true)) {
            LOG.info("{} while draining: already stopping", why);
            return;
        }
        drain.begin();
        LOG.info(
                "{}: draining (readiness 503, still answering) for {} ms (server.drain.ms), then stopping",
                why,
                drain.drainMillis());
        Thread t = new Thread(this::drainAndStop, "hearth-drain");
        t.setDaemon(false);
        t.start();
    }

    private void drainAndStop() {
        try {
            drain.awaitPeriod();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            stop.run();
        } catch (RuntimeException e) {
            LOG.error("Graceful stop failed", e);
        } finally {
            stopped.countDown();
        }
    }

    /** Waits until a drain began by a signal (or {@link #trigger}) has stopped the server. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    /** Whether a drain was triggered. */
    public boolean triggered() {
        return started.get();
    }
}
