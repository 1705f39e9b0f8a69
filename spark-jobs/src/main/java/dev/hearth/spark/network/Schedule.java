package dev.hearth.spark.network;

import dev.hearth.config.Choice;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/** The learning-rate schedule of a spec file's {@code schedule.type}, per iteration. */
public enum Schedule implements Choice {
    /** A fixed learning rate. */
    NONE,
    /** {@code rate * decay^iteration}. */
    EXPONENTIAL,
    /** {@code rate * decay^floor(iteration / steps)}. */
    STEP;

    /** DL4J's schedule, or null for {@link #NONE}. */
    public ISchedule create(double learningRate, double decay, int steps) {
        return switch (this) {
            case NONE -> null;
            case EXPONENTIAL -> new ExponentialSchedule(ScheduleType.ITERATION, learningRate, decay);
            case STEP -> new StepSchedule(ScheduleType.ITERATION, learningRate, decay, steps);
        };
    }
}
