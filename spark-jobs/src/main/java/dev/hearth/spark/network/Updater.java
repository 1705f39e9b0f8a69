package dev.hearth.spark.network;

import dev.hearth.config.Choice;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/** The optimiser: spec files' {@code updater} and the {@code network.updater} setting. */
public enum Updater implements Choice {
    ADAM,
    SGD,
    /** SGD with Nesterov momentum 0.9. */
    NESTEROVS;

    private static final double MOMENTUM = 0.9;

    /**
     * DL4J's updater at {@code learningRate}, or following {@code schedule} when it is not null.
     *
     * @param learningRate the fixed learning rate (unused with a schedule)
     * @param schedule the learning-rate schedule, or null for a fixed rate
     */
    public IUpdater create(double learningRate, ISchedule schedule) {
        return switch (this) {
            case ADAM -> schedule == null ? new Adam(learningRate) : new Adam(schedule);
            case SGD -> schedule == null ? new Sgd(learningRate) : new Sgd(schedule);
            case NESTEROVS ->
                schedule == null ? new Nesterovs(learningRate, MOMENTUM) : new Nesterovs(schedule, MOMENTUM);
        };
    }
}
