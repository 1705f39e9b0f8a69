package dev.hearth.spark.job;

/**
 * A job's non-zero exit code inside a YARN application master (cluster mode), thrown from {@code main} instead of
 * {@code System.exit}: Spark's application master then finishes the application as FAILED with "User class threw
 * exception: dev.hearth.spark.job.JobExitException: exit N: ..." as its YARN diagnostics, so the caller reads the
 * code (and a retrain's decision) from {@code yarn application -status} or spark-submit's output. A
 * {@code System.exit} there would only leave "Shutdown hook called before final status was reported".
 */
public final class JobExitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    JobExitException(int exitCode, String detail) {
        super("exit " + exitCode + ": "
                + (detail == null || detail.isBlank() ? "the job failed (its error is in the driver's log)" : detail));
        this.exitCode = exitCode;
    }

    /** The exit code the job has outside YARN cluster mode. */
    public int exitCode() {
        return exitCode;
    }
}
