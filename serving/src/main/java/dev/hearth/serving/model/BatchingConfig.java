package dev.hearth.serving.model;

/**
 * Micro-batching limits of one model.
 *
 * @param enabled whether concurrent requests are merged (false: each request runs alone on the caller's thread)
 * @param maxBatchRows most rows merged into one forward pass
 * @param maxDelayMicros how long the batcher waits for more requests after the first one of a batch arrived
 * @param maxQueueRows most rows waiting for a forward pass; a request that would queue more is refused at once
 *     (a request larger than this still queues when nothing else waits)
 */
public record BatchingConfig(boolean enabled, int maxBatchRows, long maxDelayMicros, long maxQueueRows) {
    public BatchingConfig {
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("max batch size must be >= 1 but was " + maxBatchRows);
        }
        if (maxDelayMicros < 0) {
            throw new IllegalArgumentException("max delay must be >= 0 but was " + maxDelayMicros);
        }
        if (maxQueueRows < 1) {
            throw new IllegalArgumentException("batching.max.queue.rows must be >= 1 but was " + maxQueueRows);
        }
    }
}
