package dev.hearth.spark.engine;

import dev.hearth.spark.engine.fused.LocalTrainer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers an executor JVM keeps between averaging rounds, per training session: a network rebuilt from the
 * session's configuration and its trainer (the fused step's native buffers), one per task that ran concurrently.
 * Building them for every round would cost more than a round's compute. Static because Spark gives an executor no
 * other place to keep objects across tasks; bounded: at most {@link #MAX_SESSIONS} sessions (the least recently
 * used one is closed when another starts) and per session as many workers as tasks ran at once. A session's
 * workers are closed when it closes in this JVM (the driver's, i.e. every executor under {@code local[N]}); on a
 * cluster the executors belong to the application, so the bound covers a long application's later sessions.
 */
final class WorkerSessions {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSessions.class);

    /** Sessions kept per JVM; a job trains one session at a time, the second covers an overlapping close/open. */
    static final int MAX_SESSIONS = 2;

    /** Idle workers by session id, in access order; guarded by itself. */
    private static final LinkedHashMap<String, ArrayDeque<Worker>> IDLE = new LinkedHashMap<>(4, 0.75f, true);

    private WorkerSessions() {}

    /** A network and trainer reused across rounds. */
    static final class Worker implements AutoCloseable {
        final MultiLayerNetwork network;
        final LocalTrainer trainer;

        Worker(MultiLayerNetwork network, LocalTrainer trainer) {
            this.network = network;
            this.trainer = trainer;
        }

        @Override
        public void close() {
            trainer.close();
        }
    }

    /** An idle worker of {@code setup}'s session, or a new one; give it back with {@link #release}. */
    static Worker take(SessionSetup setup) {
        List<Worker> evicted = new ArrayList<>();
        Worker worker;
        synchronized (IDLE) {
            ArrayDeque<Worker> idle = IDLE.computeIfAbsent(setup.sessionId(), k -> new ArrayDeque<>());
            worker = idle.poll();
            for (Iterator<Map.Entry<String, ArrayDeque<Worker>>> it =
                            IDLE.entrySet().iterator();
                    IDLE.size() > MAX_SESSIONS && it.hasNext(); ) {
                Map.Entry<String, ArrayDeque<Worker>> oldest = it.next();
                if (!oldest.getKey().equals(setup.sessionId())) {
                    evicted.addAll(oldest.getValue());
                    it.remove();
                }
            }
        }
        evicted.forEach(Worker::close);
        if (worker == null) {
            MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(setup.confJson()));
            net.init();
            worker = new Worker(net, LocalTrainer.open(net, setup.batchSize(), 0, setup.fused()));
            LOG.debug(
                    "Session {}: new worker ({})",
                    setup.sessionId(),
                    worker.trainer.isFused() ? "fused step" : "DL4J fit");
        }
        return worker;
    }

    /** Gives a worker back for the session's next round; closes it when its session has closed or was evicted. */
    static void release(SessionSetup setup, Worker worker) {
        synchronized (IDLE) {
            ArrayDeque<Worker> idle = IDLE.get(setup.sessionId());
            if (idle != null) {
                idle.add(worker);
                return;
            }
        }
        worker.close();
    }

    /** Closes the idle workers of a session in this JVM. */
    static void close(String sessionId) {
        ArrayDeque<Worker> idle;
        synchronized (IDLE) {
            idle = IDLE.remove(sessionId);
        }
        if (idle != null) {
            idle.forEach(Worker::close);
        }
    }

    /** Sessions this JVM keeps workers for (tests). */
    static int sessions() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }
}
