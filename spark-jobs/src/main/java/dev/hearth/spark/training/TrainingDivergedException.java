package dev.hearth.spark.training;

/** Training produced a non-finite loss or validation metric before any epoch worth keeping; nothing is published. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
