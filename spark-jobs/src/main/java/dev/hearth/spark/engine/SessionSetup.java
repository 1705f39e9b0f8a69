package dev.hearth.spark.engine;

import java.io.Serializable;

/**
 * What every round of one training session shares, broadcast once when the session opens (not shipped with each
 * round's tasks): the session's id (the key of the executors' {@link WorkerSessions}), the network configuration,
 * the minibatch size that sizes the fused step's buffers, and whether the fused step may be used. A class, not a
 * record: Spark's Kryo cannot build a serializer for records.
 */
final class SessionSetup implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String sessionId;
    private final String confJson;
    private final int batchSize;
    private final boolean fused;

    SessionSetup(String sessionId, String confJson, int batchSize, boolean fused) {
        this.sessionId = sessionId;
        this.confJson = confJson;
        this.batchSize = batchSize;
        this.fused = fused;
    }

    String sessionId() {
        return sessionId;
    }

    String confJson() {
        return confJson;
    }

    int batchSize() {
        return batchSize;
    }

    boolean fused() {
        return fused;
    }
}
