package dev.hearth.spark.scoring;

import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.Tensor;
import dev.hearth.store.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restored model per executor JVM for engines whose sessions are thread-safe (ONNX Runtime): the tasks of a
 * job on one executor, concurrent or one after another, share one session instead of opening one per partition.
 * A session is counted while tasks use it; once unused it stays open for the next task of the job and is closed
 * when a task acquires another model (the job is over) or when the JVM exits.
 *
 * <p>This is JVM-wide state on purpose: Spark gives an executor no other place to keep native objects between
 * tasks. Every method is synchronised; a session's {@code predict} runs outside the lock.
 */
final class ExecutorSessions {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSessions.class);
    private static final Map<String, Entry> OPEN = new HashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSessions::closeAll, "hearth-executor-sessions"));
    }

    private ExecutorSessions() {}

    private static final class Entry {
        final RowPredictor predictor;
        int users;

        Entry(RowPredictor predictor) {
            this.predictor = predictor;
        }
    }

    /**
     * The shared predictor for {@code key} (opened with {@code open} when there is none), counted as used until the
     * returned view is closed; closing the view never closes the shared session.
     */
    static synchronized RowPredictor acquire(String key, Supplier<RowPredictor> open) {
        Entry e = OPEN.get(key);
        if (e == null) {
            closeIdleExcept(key);
            e = new Entry(open.get());
            OPEN.put(key, e);
            LOG.info("Opened one shared session for {} in this executor", key);
        }
        e.users++;
        return new Lease(key, e.predictor);
    }

    /** Sessions open now (for tests). */
    static synchronized int open() {
        return OPEN.size();
    }

    /** Closes every session no task uses (for tests and the end of a job run in this JVM). */
    static synchronized void closeIdle() {
        closeIdleExcept(null);
    }

    private static synchronized void release(String key) {
        Entry e = OPEN.get(key);
        if (e != null) {
            e.users--;
        }
    }

    private static void closeIdleExcept(String key) {
        List<String> idle = new ArrayList<>();
        OPEN.forEach((k, e) -> {
            if (e.users == 0 && !k.equals(key)) {
                idle.add(k);
            }
        });
        for (String k : idle) {
            OPEN.remove(k).predictor.close();
            LOG.info("Closed the shared session for {}", k);
        }
    }

    private static synchronized void closeAll() {
        OPEN.values().forEach(e -> e.predictor.close());
        OPEN.clear();
    }

    /** A task's use of a shared session: everything delegates, {@link #close()} only ends the use. */
    private static final class Lease implements RowPredictor {
        private final String key;
        private final RowPredictor shared;
        private boolean closed;

        Lease(String key, RowPredictor shared) {
            this.key = key;
            this.shared = shared;
        }

        @Override
        public int inputWidth() {
            return shared.inputWidth();
        }

        @Override
        public int outputWidth() {
            return shared.outputWidth();
        }

        @Override
        public float[] predictRows(float[] features, int rows) {
            return shared.predictRows(features, rows);
        }

        @Override
        public List<TensorSpec> inputs() {
            return shared.inputs();
        }

        @Override
        public List<TensorSpec> outputs() {
            return shared.outputs();
        }

        @Override
        public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> requested) {
            return shared.predict(inputs, requested);
        }

        @Override
        public long offHeapBytes() {
            return shared.offHeapBytes();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(key);
            }
        }
    }
}
