package dev.hearth.spark.retrain;

/** How a retrain ended, with its stable process exit code (documented in the README; never renumber). */
public enum RetrainOutcome {
    /** The challenger passed the gate and the promote alias now points to it. */
    PROMOTED(0),
    /** The challenger was published but the gate or the infra check rejected it; production unchanged. */
    REJECTED(10),
    /** No partition newer than the watermark: nothing trained, nothing published. */
    NO_NEW_DATA(20),
    /** The promote alias moved between evaluation and promotion; the challenger is published but not promoted. */
    CONFLICT(30),
    /** Another retrain of the same model holds the store lock. */
    LOCKED(30),
    /** Everything else (bad settings, bad data, I/O); exit 1 (the CLI reports settings errors with 2). */
    FAILED(1);

    private final int exitCode;

    RetrainOutcome(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code. */
    public int exitCode() {
        return exitCode;
    }
}
